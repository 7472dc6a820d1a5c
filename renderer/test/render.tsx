import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../app/App';
import { createServices, type ServicesOptions } from '../app/services';
import type { DesktopTabs } from '../features/connect/tabs';
import type { FakeApi } from './fakeApi';

/** Tabs that open nowhere: what a test sees is which were asked for, and which it closed. */
export function fakeTabs(opens: (url: string) => boolean = () => true) {
  const open = new Map<string, string>();
  const tabs: DesktopTabs & { urls: string[]; close(id: string): void; focused: string[] } = {
    urls: [],
    focused: [],
    open(id, url) {
      if (!opens(url)) return false;
      tabs.urls.push(url);
      open.set(id, url);
      return true;
    },
    isOpen: (id) => open.has(id),
    focus(id) {
      if (!open.has(id)) return false;
      tabs.focused.push(id);
      return true;
    },
    navigate(id, url) {
      if (!open.has(id)) return false;
      tabs.urls.push(url);
      open.set(id, url);
      return true;
    },
    close: (id) => void open.delete(id),
  };
  return tabs;
}

/** The whole app on a fake api; tabs open nowhere unless the test says so. */
export function renderApp(api: FakeApi, options: ServicesOptions = {}) {
  const services = createServices(api, { lang: 'en', tabs: fakeTabs(), ...options });
  const user = userEvent.setup();
  const utils = render(<App services={services} />);
  return { ...utils, services, user };
}
