import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeApi, desktop, endpoint, inspection, ok } from '../test/fakeApi';
import { renderApp } from '../test/render';

const catalogue = { endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })] };

describe('keyboard', () => {
  it('moves focus into a dialog, keeps Tab inside it, and Escape closes it and returns focus', async () => {
    const { user } = renderApp(createFakeApi(catalogue));
    const edit = await screen.findByRole('button', { name: 'Edit Agent 1' });
    edit.focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Edit desktop: Agent 1' });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveFocus();

    // Shift+Tab from the first control wraps to the last one (Save), Tab wraps back.
    await user.tab({ shift: true });
    expect(within(dialog).getByRole('button', { name: 'Save' })).toHaveFocus();
    await user.tab();
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveFocus();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(edit).toHaveFocus();
  });

  it('Enter submits an editor form', async () => {
    const api = createFakeApi(catalogue);
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Edit Agent 1' }));
    const name = within(await screen.findByRole('dialog')).getByRole('textbox', { name: 'Name' });
    await user.clear(name);
    await user.type(name, 'Renamed{Enter}');
    expect(await screen.findByRole('heading', { name: 'Renamed' })).toBeInTheDocument();
    expect(api.callsTo('desktop.save')).toHaveLength(1);
  });

  it('Escape cancels the trust dialog without trusting', async () => {
    const api = createFakeApi(catalogue);
    api.handle('connection.open', () => ok({ kind: 'needs-trust', inspection: inspection() }));
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Connect to Agent 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Check this certificate before you trust it' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.callsTo('trust.accept')).toEqual([]);
  });

  it('marks the current tab and reaches every tab with the keyboard', async () => {
    const { user } = renderApp(createFakeApi(catalogue));
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('button', { name: 'Desktops' })).toHaveAttribute('aria-current', 'page');
    within(nav).getByRole('button', { name: 'Desktops' }).focus();
    await user.tab();
    await user.keyboard('{Enter}');
    expect(within(nav).getByRole('button', { name: 'Connections' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('heading', { name: 'Active connections' })).toBeInTheDocument();
  });
});
