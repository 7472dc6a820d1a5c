import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SessionSource } from '../../../preload/contract/model';
import { connectionInfo, createFakeApi, endpoint, inspection, ok, openedResult, sessionView, source, sourceStatus } from '../../test/fakeApi';
import { renderApp } from '../../test/render';

const ready = sessionView({ key: 's-READY000000000000000000000000', name: 'CAD desktop', tags: { os: 'linux', team: 'cad' } });
const creating = sessionView({ key: 's-CREATING0000000000000000000', id: 'session-2', name: 'Build box', state: 'CREATING', substate: 'SESSION_PLACING' });
const bobs = sessionView({ key: 's-BOB000000000000000000000000', id: 'bob-1', name: 'Bob desk', owner: 'bob' });
const gone = sessionView({ key: 's-GONE00000000000000000000000', id: 'old', name: 'Old favourite', favourite: true, gone: true, state: '' });

function setup() {
  const api = createFakeApi({ endpoints: [endpoint()], sources: [source()] });
  api.sessions = { sm1: sourceStatus({ sessions: [ready, creating, bobs, gone] }) };
  return api;
}

describe('Session Manager sessions in the desktop list', () => {
  it('shows each session under its source with state, owner, server and tags; Connect only when READY; delete only own', async () => {
    const api = setup();
    renderApp(api);
    const section = await screen.findByRole('region', { name: /Tokyo Session Manager/ });
    const card = within(section).getByRole('listitem', { name: 'CAD desktop' });
    expect(within(card).getByText('Ready')).toBeInTheDocument();
    expect(within(card).getByText('Owner: alice')).toBeInTheDocument();
    expect(within(card).getByText('os=linux')).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Connect to CAD desktop' })).toBeEnabled();
    expect(within(card).getByRole('button', { name: 'Delete CAD desktop' })).toBeInTheDocument();

    const building = within(section).getByRole('listitem', { name: 'Build box' });
    expect(within(building).getByText(/Being created · finding a server/)).toBeInTheDocument();
    expect(within(building).getByRole('button', { name: 'Connect to Build box' })).toBeDisabled();

    const other = within(section).getByRole('listitem', { name: 'Bob desk' });
    expect(within(other).queryByRole('button', { name: 'Delete Bob desk' })).not.toBeInTheDocument();

    const old = within(section).getByRole('listitem', { name: 'Old favourite' });
    expect(within(old).getByText('Gone')).toBeInTheDocument();
    expect(within(old).getByRole('button', { name: 'Favourite: Old favourite' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('server tags are tags the tag filter knows; search matches word starts (not "b" inside "NLB")', async () => {
    const api = setup();
    const { user } = renderApp(api);
    const section = await screen.findByRole('region', { name: /Tokyo Session Manager/ });
    await user.click(screen.getByRole('button', { name: 'team=cad' }));
    expect(within(section).getByRole('listitem', { name: 'CAD desktop' })).toBeInTheDocument();
    expect(within(section).queryByRole('listitem', { name: 'Build box' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'team=cad' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search desktops' }), 'b');
    expect(within(section).getByRole('listitem', { name: 'Build box' })).toBeInTheDocument();
    expect(within(section).getByRole('listitem', { name: 'Bob desk' })).toBeInTheDocument();
    expect(within(section).queryByRole('listitem', { name: 'CAD desktop' })).not.toBeInTheDocument();
  });

  it('a Broker not trusted yet: the source says so and "Check now" walks the trust dialog, then lists', async () => {
    const api = createFakeApi({ endpoints: [endpoint()], sources: [source()] });
    const brokerInspection = inspection({ key: 'vpce-0abc-xyz.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com:8448' });
    api.sessions = { sm1: sourceStatus({ refreshedAt: undefined, problem: { kind: 'needs-trust', inspection: brokerInspection } }) };
    let trusted = false;
    api.handle('sessions.refresh', () => ok(trusted ? sourceStatus({ sessions: [ready] }) : api.sessions.sm1));
    api.handle('trust.accept', (r) => {
      trusted = true;
      return ok({ key: r.key, fingerprints: [r.fingerprint], certificate: brokerInspection.presented, trustedAt: '2026-12-06T00:00:00.000Z' });
    });
    const { user } = renderApp(api);
    const section = await screen.findByRole('region', { name: /Tokyo Session Manager/ });
    expect(within(section).getByText(/has a certificate the launcher has not seen before/)).toBeInTheDocument();
    await user.click(within(section).getByRole('button', { name: 'Check now' }));
    const dialog = await screen.findByRole('dialog', { name: 'Check this certificate before you trust it' });
    await user.click(within(dialog).getByRole('button', { name: 'Trust always' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await within(section).findByRole('listitem', { name: 'CAD desktop' })).toBeInTheDocument();
    expect(api.callsTo('trust.accept')).toEqual([{ key: brokerInspection.key, fingerprint: brokerInspection.presented.fingerprint256, persist: true }]);
  });

  it('New desktop: progress while CREATING, then it opens the session once READY', async () => {
    const api = setup();
    const fresh = sessionView({ key: 's-NEW0000000000000000000000000', id: 'new-1', name: 'alice-1', state: 'CREATING' });
    api.handle('sessions.create', () => ok({ kind: 'creating', session: fresh }));
    api.handle('connection.open', () =>
      ok(openedResult({ connection: connectionInfo({ desktopId: fresh.key, port: 41773 }), launchUrl: 'https://127.0.0.1:41773/__launch/x' })),
    );
    const { user } = renderApp(api);
    const section = await screen.findByRole('region', { name: /Tokyo Session Manager/ });
    await user.click(within(section).getByRole('button', { name: 'New desktop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Creating alice-1' });
    expect(within(dialog).getByText('Being created')).toBeInTheDocument();
    expect(api.callsTo('connection.open')).toEqual([]);
    act(() => api.emit('sessions.changed', sourceStatus({ sessions: [ready, { ...fresh, state: 'READY' }] })));
    expect(await screen.findByRole('dialog', { name: 'alice-1 is open' })).toBeInTheDocument();
    expect(api.callsTo('connection.open')).toEqual([{ desktopId: fresh.key }]);
  });

  it('the source editor saves a Gateway source with full-width digits and keeps the client password out of the source', async () => {
    const api = createFakeApi({ endpoints: [endpoint()] });
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Add Session Manager' }));
    const dialog = await screen.findByRole('dialog', { name: 'New Session Manager' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Osaka');
    await user.clear(within(dialog).getByRole('textbox', { name: 'Broker port' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Broker port' }), '８４４８');
    await user.type(within(dialog).getByRole('textbox', { name: 'Client ID' }), 'launcher');
    await user.type(within(dialog).getByLabelText('Client password'), 's3cret');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [saved] = api.callsTo('source.save') as Array<{ source: SessionSource; clientPassword?: string }>;
    expect(saved.clientPassword).toBe('s3cret');
    expect(saved.source).toMatchObject({ name: 'Osaka', brokerPort: 8448, auth: { kind: 'broker', clientId: 'launcher' }, open: { via: 'gateway', port: 8443 } });
    expect(JSON.stringify(saved.source)).not.toContain('s3cret');
  });
});
