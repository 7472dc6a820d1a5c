import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Diagnosis, ProxyExplanation } from '../../../preload/contract/api';
import { certificate, createFakeApi, desktop, endpoint, ok } from '../../test/fakeApi';
import { renderApp } from '../../test/render';

const catalogue = { endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })] };

const HOST = 'vpce-0abc-xyz.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com';
/** What main sends for this endpoint's warnings and failures (the facts its advice is judged on). */
const facts = { host: HOST, port: 50001, pathPrefix: '/', webUrlPath: '/', address: '10.213.66.188' };
const systemProxy = { code: 'route.system', params: { route: 'PROXY proxy:8080' } };

const diagnosis: Diagnosis = {
  ok: false,
  target: `${HOST}:50001`,
  startedAt: '2025-03-01T09:00:00.000Z',
  steps: [
    {
      id: 'dns',
      status: 'ok',
      code: 'OK',
      durationMs: 2.4,
      detail: { addresses: ['10.213.66.188'], summary: 'resolved to 10.213.66.188' },
      summary: { code: 'summary.dns', params: { host: HOST, addresses: ['10.213.66.188'] } },
    },
    { id: 'tcp', status: 'ok', code: 'OK', durationMs: 12, detail: { address: '10.213.66.188' }, summary: { code: 'summary.tcp', params: { address: '10.213.66.188:50001', proxy: null } } },
    {
      id: 'proxy',
      status: 'warn',
      code: 'SYSTEM_PROXY_WOULD_INTERCEPT',
      durationMs: 0,
      detail: { route: 'DIRECT' },
      hint: 'Add 10.213.66.188 to no_proxy (from main).',
      advice: [{ code: 'SYSTEM_PROXY_WOULD_INTERCEPT', facts: { ...facts, plainBrowserRoute: { route: 'PROXY proxy:8080', reason: 'the system proxy settings say so', because: systemProxy } } }],
      summary: { code: 'summary.proxy.plainBrowserDiffers', params: { because: 'route.profile.direct', plainBrowserRoute: 'PROXY proxy:8080', plainBrowserBecause: 'route.system', 'plainBrowserBecause.route': 'PROXY proxy:8080' } },
    },
    {
      id: 'tls',
      status: 'fail',
      code: 'TLS_UNTRUSTED',
      durationMs: 30,
      detail: { protocol: 'TLSv1.3', certificate: certificate() },
      hint: 'Pin it (from main).',
      advice: [{ code: 'TLS_UNTRUSTED', facts: { ...facts, certificate: certificate() } }],
      summary: { code: 'summary.tls.refused', params: { subject: 'CN=dcv-gateway', selfSigned: true, validTo: '2027-01-01T00:00:00.000Z', fingerprint: certificate().fingerprint256Hex, pinned: null } },
    },
    { id: 'http', status: 'skip', code: 'SKIPPED', durationMs: 0, detail: { reason: 'tls failed' }, summary: { code: 'summary.skip.earlierFailed' } },
  ],
};

function setUp() {
  const api = createFakeApi(catalogue);
  let finish: () => void = () => {};
  api.handle('doctor.run', () => new Promise((resolve) => (finish = () => resolve(ok(diagnosis)))));
  api.handle('doctor.explainProxy', () =>
    ok<ProxyExplanation>({
      url: 'https://vpce-0abc-xyz:50001/',
      effective: { route: 'DIRECT', reason: 'NO_PROXY entry `.vpce.amazonaws.com` matched', because: { code: 'route.env.noProxyMatched', params: { variable: 'NO_PROXY', entry: '.vpce.amazonaws.com' } } },
      sources: [
        { source: 'env', says: 'https_proxy=http://proxy:8080', saysMessage: { code: 'says.route', params: { route: 'DIRECT', because: 'route.env.noProxyMatched', 'because.variable': 'NO_PROXY', 'because.entry': '.vpce.amazonaws.com' } }, matched: '.vpce.amazonaws.com' },
        { source: 'system', says: 'PROXY proxy:8080', saysMessage: { code: 'says.route', params: { route: 'PROXY proxy:8080', because: 'route.system', 'because.route': 'PROXY proxy:8080' } } },
      ],
      plainBrowser: {
        route: 'PROXY proxy:8080',
        reason: 'system proxy settings do not exclude the endpoint',
        wouldIntercept: true,
        explanation: { code: 'explain.browser.intercepts', params: { url: 'https://vpce-0abc-xyz:50001/', proxy: 'proxy:8080', host: 'vpce-0abc-xyz', because: 'route.system', 'because.route': 'PROXY proxy:8080' } },
      },
    }),
  );
  api.handle('doctor.report', (r) => ok({ fileName: `report.${r.format === 'json' ? 'json' : 'md'}`, text: `# Report (${r.format})` }));
  return { api, finish: () => finish() };
}

describe('Troubleshooting', () => {
  it('runs doctor.run, shows steps live, then the timeline with icons, durations, details, hints and the certificate', async () => {
    const { api, finish } = setUp();
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Troubleshoot Agent 1' }));
    const timeline = await screen.findByRole('list', { name: 'Diagnosis steps' });
    expect(within(timeline).getByText('Checking…')).toBeInTheDocument();
    api.emit('doctor.step', { desktopId: 'd1', step: diagnosis.steps[0] });
    expect(await within(timeline).findByText('Name lookup (DNS)')).toBeInTheDocument();

    finish();
    await waitFor(() => expect(within(timeline).queryByText('Checking…')).not.toBeInTheDocument());
    const items = within(timeline).getAllByRole('listitem');
    expect(items.map((li) => li.className)).toEqual([
      'timeline-step status-ok',
      'timeline-step status-ok',
      'timeline-step status-warn',
      'timeline-step status-fail',
      'timeline-step status-skip',
    ]);
    expect(within(items[3]).getByRole('img', { name: 'Failed' })).toBeInTheDocument();
    expect(within(items[0]).getByText('2.4 ms')).toBeInTheDocument();
    // What each step saw, worded; main's English line behind the original.
    expect(items[0].querySelector('.step-summary')).toHaveTextContent(`${HOST} was found at 10.213.66.188.`);
    expect(within(items[0]).getByText('resolved to 10.213.66.188').closest('details')).toHaveClass('original');
    // What to change, worded from main's advice; main's own hint behind the original.
    expect(items[2].querySelector('.hint')).toHaveTextContent('would go through the proxy proxy:8080');
    expect(items[2].querySelector('.hint')).toHaveTextContent(`add ${HOST} and 10.213.66.188 to no_proxy`);
    expect(within(items[2]).getByText('Add 10.213.66.188 to no_proxy (from main).').closest('details')).toHaveClass('original');
    expect(items[3].querySelector('.hint')).toHaveTextContent('compare it with AB:CD:EF');
    expect(within(items[3]).getByText('Pin it (from main).').closest('details')).toHaveClass('original');
    // The raw details, collapsed.
    expect(within(items[3]).getByText('TLSv1.3').closest('details')).not.toHaveAttribute('open');
    expect(within(items[3]).getByText(certificate().fingerprint256)).toBeInTheDocument();
    // Hints only where something is to be done.
    expect(within(items[0]).queryByText(/from main/)).not.toBeInTheDocument();
    expect(screen.getByText(/is not reachable/)).toBeInTheDocument();
  });

  it('explains the proxy route with the plain-browser verdict in a callout', async () => {
    const { api, finish } = setUp();
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Troubleshoot Agent 1' }));
    finish();
    const section = await screen.findByRole('region', { name: 'Proxy route' });
    expect(api.callsTo('doctor.explainProxy')).toEqual([{ endpointId: 'ep1' }]);
    expect(within(section).getByText('DIRECT')).toBeInTheDocument();
    expect(within(section).getByText('(matched .vpce.amazonaws.com)')).toBeInTheDocument();
    const verdict = within(section).getByRole('note');
    expect(verdict).toHaveClass('callout-warn');
    expect(within(verdict).getByText('A plain browser on this machine would send this endpoint to the proxy.')).toBeInTheDocument();
  });

  it.each([
    { lang: 'en' as const, troubleshoot: 'Troubleshoot Agent 1', region: 'Proxy route', verdict: 'A plain browser on this machine takes the same route: PROXY proxy:8080.' },
    { lang: 'ja' as const, troubleshoot: 'Agent 1 のトラブルシューティング', region: 'プロキシの経路', verdict: 'このパソコンの通常のブラウザーも同じ経路 (PROXY proxy:8080) を使います。' },
  ])('($lang) when launcher and plain browser both use the proxy, the verdict names that shared route', async ({ lang, troubleshoot, region, verdict }) => {
    const { api, finish } = setUp();
    api.view.catalogue.settings.language = lang;
    api.handle('doctor.explainProxy', () =>
      ok<ProxyExplanation>({
        url: 'https://vpce-0abc-xyz:50001/',
        effective: { route: 'PROXY proxy:8080', reason: 'profile names proxy http://proxy:8080', because: { code: 'route.profile.manual', params: { proxy: 'http://proxy:8080' } } },
        sources: [{ source: 'system', says: 'PROXY proxy:8080', saysMessage: { code: 'says.route', params: { route: 'PROXY proxy:8080', because: 'route.system', 'because.route': 'PROXY proxy:8080' } } }],
        plainBrowser: {
          route: 'PROXY proxy:8080',
          reason: 'a plain browser here would go PROXY proxy:8080, as the launcher does',
          wouldIntercept: false,
          explanation: { code: 'explain.browser.same', params: { route: 'PROXY proxy:8080', because: 'route.system', 'because.route': 'PROXY proxy:8080' } },
        },
      }),
    );
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: troubleshoot }));
    finish();
    const section = await screen.findByRole('region', { name: region });
    const note = within(section).getByRole('note');
    expect(note).toHaveClass('callout-ok');
    expect(within(note).getByText(verdict)).toBeInTheDocument();
    expect(note.textContent).not.toMatch(/directly|直接/);
  });

  it('copies the redacted markdown report to the clipboard', async () => {
    const { api, finish } = setUp();
    const { user } = renderApp(api);
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.click(await screen.findByRole('button', { name: 'Troubleshoot Agent 1' }));
    finish();
    await user.click(await screen.findByRole('button', { name: 'Copy report' }));
    expect(await screen.findByText('Copied to the clipboard.')).toBeInTheDocument();
    expect(writeText).toHaveBeenCalledWith('# Report (markdown)');
    expect(api.callsTo('doctor.report')).toEqual([{ desktopId: 'd1', format: 'markdown' }]);
  });

  it('translates hints by code in Japanese', async () => {
    const { api, finish } = setUp();
    api.view.catalogue.settings.language = 'ja';
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Agent 1 のトラブルシューティング' }));
    finish();
    const timeline = await screen.findByRole('list', { name: '診断の手順' });
    await waitFor(() => expect(within(timeline).getAllByRole('listitem')).toHaveLength(5));
    expect(within(timeline).getByText(/の証明書.*を信頼していません/)).toBeInTheDocument();
    expect(within(timeline).getByText('証明書 (TLS)')).toBeInTheDocument();
  });
});
