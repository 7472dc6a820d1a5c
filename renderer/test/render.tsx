import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../app/App';
import { createServices, type ServicesOptions } from '../app/services';
import type { FakeApi } from './fakeApi';

/** The whole app on a fake api; tabs open nowhere unless the test says so. */
export function renderApp(api: FakeApi, options: ServicesOptions = {}) {
  const services = createServices(api, { lang: 'en', openTab: () => true, ...options });
  const user = userEvent.setup();
  const utils = render(<App services={services} />);
  return { ...utils, services, user };
}
