/**
 * "Japanese first, everywhere": the screens where something went wrong, in Japanese, with what
 * main really sends (codes, params, summaries, advice, and its English originals). No English
 * sentence may show; main's English is only behind 「原文（英語）」.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo, Diagnosis, DiagnosisStep, HintFacts, ProxyExplanation } from '../../preload/contract/api';
import { certificate, createFakeApi, desktop, endpoint, ok, sessionView, source, sourceStatus } from '../test/fakeApi';
import { expectNoEnglishSentences } from '../test/noEnglish';
import { renderApp } from '../test/render';

const HOST = 'vpce-0abc-xyz.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com';
/** User data that happens to be English (names the user chose). */
const USER_DATA = ['Tokyo VPC endpoint', 'Agent 1', 'CAD desktop', 'Tokyo Session Manager'];
const ja = { language: 'ja' as const, view: 'list' as const };
const facts: HintFacts = { host: HOST, port: 50001, pathPrefix: '/', webUrlPath: '/', address: '10.213.66.188' };
const systemProxy = { code: 'route.system', params: { route: 'PROXY proxy.corp.example:8080' } };

/** Each closed 「原文（英語）」 holds main's English; the screen shows none of it. */
function expectOriginalsClosed(root: HTMLElement) {
  const originals = [...root.querySelectorAll('details.original')];
  expect(originals.length).toBeGreaterThan(0);
  for (const d of originals) {
    expect(d).not.toHaveAttribute('open');
    expect(d.querySelector('summary')).toHaveTextContent('原文（英語）');
  }
}

describe('Japanese first: what failed, and what to do, in Japanese', () => {
  it('a failing diagnosis with several codes and warnings', async () => {
    const cert = certificate({ subject: 'CN=dcv-gateway', validTo: '2025-03-20T00:00:00.000Z' });
    const steps: DiagnosisStep[] = [
      {
        id: 'dns',
        status: 'ok',
        code: 'OK',
        durationMs: 0,
        detail: { addresses: ['10.213.66.188'], override: '10.213.66.188', summary: `${HOST} → 10.213.66.188` },
        summary: { code: 'summary.dns.override', params: { host: HOST, address: '10.213.66.188' } },
      },
      { id: 'tcp', status: 'ok', code: 'OK', durationMs: 8, detail: { address: '10.213.66.188:50001', summary: '10.213.66.188:50001' }, summary: { code: 'summary.tcp', params: { address: '10.213.66.188:50001', proxy: null } } },
      {
        id: 'proxy',
        status: 'warn',
        code: 'SYSTEM_PROXY_WOULD_INTERCEPT',
        durationMs: 0,
        detail: { route: 'DIRECT', reason: 'profile forces DIRECT', summary: 'DIRECT: profile forces DIRECT; a plain browser here would use PROXY proxy.corp.example:8080 (the system proxy settings say so)' },
        hint: `The launcher goes DIRECT, but a plain browser on this machine would send ${HOST} to PROXY proxy.corp.example:8080: that is why curl works and a plain browser does not.`,
        advice: [{ code: 'SYSTEM_PROXY_WOULD_INTERCEPT', facts: { ...facts, plainBrowserRoute: { route: 'PROXY proxy.corp.example:8080', reason: 'the system proxy settings say so', because: systemProxy } } }],
        summary: {
          code: 'summary.proxy.plainBrowserDiffers',
          params: { because: 'route.profile.direct', plainBrowserRoute: 'PROXY proxy.corp.example:8080', plainBrowserBecause: 'route.system', 'plainBrowserBecause.route': 'PROXY proxy.corp.example:8080' },
        },
      },
      {
        id: 'tls',
        status: 'warn',
        code: 'CERT_EXPIRES_SOON',
        durationMs: 12,
        detail: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', certificate: cert, pin: 'matched', warningCodes: ['CERT_EXPIRES_SOON', 'CERT_NAME_MISMATCH'], summary: 'TLSv1.3; CN=dcv-gateway (self-signed), pin matched' },
        hint: 'The certificate expires on 2025-03-20 (in 19 days); after that every connection fails.\nThe pinned certificate names CN=dcv-gateway, not the host.',
        advice: [
          { code: 'CERT_EXPIRES_SOON', facts: { ...facts, certificate: cert, daysLeft: 19 } },
          { code: 'CERT_NAME_MISMATCH', facts: { ...facts, certificate: cert } },
        ],
        summary: { code: 'summary.tls', params: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', subject: 'CN=dcv-gateway', selfSigned: true, validTo: cert.validTo, fingerprint: cert.fingerprint256Hex, pinMatched: true } },
      },
      {
        id: 'http',
        status: 'fail',
        code: 'HTTP_STATUS',
        durationMs: 20,
        detail: { status: 404, statusText: 'Not Found', summary: 'GET /dcv/ → 404 Not Found' },
        hint: 'GET /dcv/ answered 404. Endpoint → Web URL path ("/dcv/") must equal dcv.conf [connectivity] web-url-path on the server.',
        advice: [{ code: 'HTTP_STATUS', facts: { ...facts, webUrlPath: '/dcv/', path: '/dcv/', status: 404 } }],
        summary: { code: 'summary.http', params: { path: '/dcv/', status: 404, statusText: 'Not Found', server: 'nginx', hsts: false } },
      },
      { id: 'websocket', status: 'skip', code: 'SKIPPED', durationMs: 0, detail: { reason: 'the page did not load', summary: 'the page did not load' }, summary: { code: 'summary.skip.pageFailed' } },
    ];
    const api = createFakeApi({ endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })], settings: ja });
    api.handle('doctor.run', () => ok<Diagnosis>({ ok: false, target: `${HOST}:50001`, startedAt: '2025-03-01T09:00:00.000Z', steps }));
    api.handle('doctor.explainProxy', () => ({ ok: false, error: { code: 'INTERNAL', message: 'n/a' } }));
    const { user, container } = renderApp(api, { lang: 'ja' });
    await user.click(await screen.findByRole('button', { name: 'Agent 1 のトラブルシューティング' }));
    const timeline = await screen.findByRole('list', { name: '診断の手順' });
    await waitFor(() => expect(within(timeline).getAllByRole('listitem')).toHaveLength(6));
    const [dns, , proxy, tls, http] = within(timeline).getAllByRole('listitem');

    expect(dns.querySelector('.step-summary')).toHaveTextContent(`「エンドポイント → 代わりにこのアドレスへ接続（任意）」の設定により、${HOST} の代わりに 10.213.66.188 に接続します。`);
    expect(proxy.querySelector('.hint')).toHaveTextContent('このパソコンの通常のブラウザーは');
    expect(proxy.querySelector('.hint')).toHaveTextContent('no_proxy とブラウザーのプロキシの例外に追加してください');
    // Two warnings, two pieces of advice, in main's order.
    expect([...tls.querySelectorAll('.hint [data-advice]')].map((p) => p.getAttribute('data-advice'))).toEqual(['CERT_EXPIRES_SOON', 'CERT_NAME_MISMATCH']);
    expect(tls.querySelector('.hint')).toHaveTextContent('あと 19 日');
    expect(http.querySelector('.hint')).toHaveTextContent('「デスクトップ → Web URL パス」（/dcv/）は、サーバーの dcv.conf の [connectivity] にある web-url-path');
    // The raw details are there for support, collapsed and labelled in Japanese.
    expect(within(http).getByText(/^詳細（技術情報）/).closest('details')).not.toHaveAttribute('open');
    expectOriginalsClosed(timeline);
    expectNoEnglishSentences(container, { allow: USER_DATA });
  });

  it('a Session Manager diagnosis: the Broker’s steps first, each worded', async () => {
    const session = sessionView({ key: 's-CAD0000000000000000000000000', name: 'CAD desktop' });
    const broker = { host: HOST, port: 8448, pathPrefix: '/', webUrlPath: '/', atBroker: true, brokerHost: HOST, brokerPort: 8448 } satisfies HintFacts;
    const skipped = (id: DiagnosisStep['id']): DiagnosisStep => ({ id, status: 'skip', code: 'SKIPPED', durationMs: 0, detail: { reason: 'an earlier step failed', summary: 'an earlier step failed' }, summary: { code: 'summary.skip.earlierFailed' } });
    const steps: DiagnosisStep[] = [
      { id: 'broker-dns', status: 'ok', code: 'OK', durationMs: 1, detail: { addresses: ['10.213.66.188'], summary: `${HOST} → 10.213.66.188` }, summary: { code: 'summary.dns', params: { host: HOST, addresses: ['10.213.66.188'] } } },
      { id: 'broker-tcp', status: 'ok', code: 'OK', durationMs: 3, detail: { address: '10.213.66.188:8448' }, summary: { code: 'summary.tcp', params: { address: '10.213.66.188:8448', proxy: null } } },
      {
        id: 'broker-proxy',
        status: 'ok',
        code: 'OK',
        durationMs: 0,
        detail: { route: 'DIRECT', reason: 'no system proxy resolver here (CLI/browser mode), so the environment decides: no HTTPS_PROXY set', summary: 'DIRECT: no HTTPS_PROXY set' },
        summary: { code: 'summary.proxy.direct', params: { because: 'route.systemFallback', 'because.because': 'route.env.noProxyVar', 'because.because.variable': 'HTTPS_PROXY' } },
      },
      { id: 'broker-tls', status: 'ok', code: 'OK', durationMs: 9, detail: { protocol: 'TLSv1.3', pin: 'matched' }, summary: { code: 'summary.tls', params: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', pinMatched: true } } },
      { id: 'broker-token', status: 'ok', code: 'OK', durationMs: 30, detail: { clientId: '5f0c', summary: 'access token for client 5f0c' }, summary: { code: 'summary.broker.token', params: { clientId: '5f0c' } } },
      {
        id: 'broker-session',
        status: 'fail',
        code: 'SESSION_NOT_READY',
        durationMs: 25,
        detail: { sessionId: 'session-1', state: 'CREATING', stateReason: 'Placing the session', summary: 'CAD desktop of alice: CREATING (Placing the session) on 10.150.248.180 (agent1.corp)' },
        hint: 'Session "session-1" is CREATING (Placing the session), not READY. The Broker is still placing and starting it: wait a moment and try again.',
        advice: [{ code: 'SESSION_NOT_READY', facts: { ...broker, sessionId: 'session-1', sessionState: 'CREATING', stateReason: 'Placing the session' } }],
        summary: {
          code: 'summary.broker.session',
          params: { sessionId: 'session-1', name: 'CAD desktop', owner: 'alice', type: 'Virtual', state: 'CREATING', stateReason: 'Placing the session', serverIp: '10.150.248.180', serverHostname: 'agent1.corp' },
        },
      },
      skipped('broker-connection'),
      ...(['dns', 'tcp', 'proxy', 'tls', 'http', 'websocket'] as const).map(skipped),
    ];
    const api = createFakeApi({ endpoints: [endpoint()], sources: [source()], settings: ja });
    api.sessions = { sm1: sourceStatus({ sessions: [session] }) };
    api.handle('doctor.run', () => ok<Diagnosis>({ ok: false, target: `${HOST}:8448`, startedAt: '2025-03-01T09:00:00.000Z', steps }));
    api.handle('doctor.explainProxy', () => ({ ok: false, error: { code: 'INTERNAL', message: 'n/a' } }));
    const { user, container, services } = renderApp(api, { lang: 'ja' });
    await screen.findByRole('region', { name: /Tokyo Session Manager/ });
    act(() => services.stores.nav.getState().go('troubleshoot'));
    await user.selectOptions(await screen.findByRole('combobox', { name: 'デスクトップ' }), session.key);
    await user.click(screen.getByRole('button', { name: '診断を実行' }));
    const timeline = await screen.findByRole('list', { name: '診断の手順' });
    await waitFor(() => expect(within(timeline).getAllByRole('listitem')).toHaveLength(13));
    const items = within(timeline).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.timeline-title')?.firstChild?.textContent?.trim())).toEqual([
      'Broker: 名前解決 (DNS)',
      'Broker: TCP 接続',
      'Broker: プロキシ',
      'Broker: 証明書 (TLS)',
      'Broker: サインイン用トークン',
      'Broker: セッションの確認',
      'Broker: 接続用トークン',
      '名前解決 (DNS)',
      'TCP 接続',
      'プロキシ',
      '証明書 (TLS)',
      'DCV の Web ページ (HTTP)',
      'デスクトップの通信 (WebSocket)',
    ]);
    // The nested reason: no system settings here, so the environment decides, and it says "no proxy".
    expect(items[2].querySelector('.step-summary')).toHaveTextContent('プロキシの環境変数に従います。このパソコンでは HTTPS_PROXY が設定されていません。');
    expect(items[5].querySelector('.step-summary')).toHaveTextContent('状態: 作成中（Placing the session）');
    expect(items[5].querySelector('.hint')).toHaveTextContent('少し待ってからもう一度試してください');
    expectOriginalsClosed(timeline);
    expectNoEnglishSentences(container, { allow: USER_DATA });
  });

  it('a connect failure: TCP_REFUSED with its address', async () => {
    const api = createFakeApi({ endpoints: [endpoint({ addressOverride: '127.0.0.1' })], desktops: [desktop({ id: 'd1', name: 'Agent 1', route: { kind: 'port', port: 1 } })], settings: ja });
    api.handle('connection.open', () =>
      ok({
        kind: 'failed',
        code: 'TCP_REFUSED',
        step: 'tcp',
        message: '127.0.0.1:1 refused the connection (nothing listening?)',
        params: { address: '127.0.0.1:1', errno: 'ECONNREFUSED' },
        hint: 'Nothing accepts connections at 127.0.0.1:1. Check Endpoint → Port (the NLB listener port of this desktop), that the load balancer has a listener on 1.',
        advice: [{ code: 'TCP_REFUSED', facts: { host: HOST, port: 1, pathPrefix: '/', webUrlPath: '/', address: '127.0.0.1' } }],
      }),
    );
    const { user } = renderApp(api, { lang: 'ja' });
    await user.click(await screen.findByRole('button', { name: 'Agent 1 に接続' }));
    const dialog = await screen.findByRole('dialog', { name: 'Agent 1 に接続できませんでした' });
    expect(within(dialog).getByText('失敗した手順: TCP 接続')).toBeInTheDocument();
    const text = dialog.querySelector('.failure-text > p')!;
    expect(text).toHaveTextContent('127.0.0.1:1 が接続を拒否しました。そのポートで待ち受けているものがありません。');
    expect(within(text as HTMLElement).getByText('127.0.0.1:1').tagName).toBe('CODE');
    expect(dialog.querySelector('.hint')).toHaveTextContent('「デスクトップ → NLB のリスナーポート」が、ロードバランサー上のこのデスクトップ用のポートになっているか確認してください');
    expect(within(dialog).getByText('127.0.0.1:1 refused the connection (nothing listening?)').closest('details')).toHaveClass('original');
    expectOriginalsClosed(dialog);
    expectNoEnglishSentences(dialog, { allow: USER_DATA });
  });

  it('the proxy explainer: a plain browser would send the endpoint to the proxy', async () => {
    const url = `https://${HOST}:50001/`;
    const api = createFakeApi({ endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })], settings: ja });
    api.handle('doctor.run', () => ok<Diagnosis>({ ok: true, target: `${HOST}:50001`, startedAt: '2025-03-01T09:00:00.000Z', steps: [] }));
    api.handle('doctor.explainProxy', () =>
      ok<ProxyExplanation>({
        url,
        effective: { route: 'DIRECT', reason: 'profile forces DIRECT', because: { code: 'route.profile.direct' } },
        sources: [
          { source: 'profile', says: 'DIRECT: never use a proxy for this endpoint', saysMessage: { code: 'says.profile.direct' } },
          { source: 'env', says: 'unusable: HTTPS_PROXY: unsupported proxy scheme socks5:', saysMessage: { code: 'says.unusable', params: { error: 'HTTPS_PROXY: unsupported proxy scheme socks5:' } } },
          { source: 'system', says: 'PROXY proxy.corp.example:8080', saysMessage: { code: 'says.route', params: { route: 'PROXY proxy.corp.example:8080', because: 'route.system', 'because.route': 'PROXY proxy.corp.example:8080' } } },
        ],
        plainBrowser: {
          route: 'PROXY proxy.corp.example:8080',
          reason: `a plain browser here would send ${url} to the proxy proxy.corp.example:8080 (system proxy says PROXY proxy.corp.example:8080) while the launcher goes DIRECT`,
          wouldIntercept: true,
          why: 'the system proxy settings say so',
          because: systemProxy,
          explanation: { code: 'explain.browser.intercepts', params: { url, proxy: 'proxy.corp.example:8080', host: HOST, because: 'route.system', 'because.route': 'PROXY proxy.corp.example:8080' } },
        },
      }),
    );
    const { user } = renderApp(api, { lang: 'ja' });
    await user.click(await screen.findByRole('button', { name: 'Agent 1 のトラブルシューティング' }));
    const section = await screen.findByRole('region', { name: 'プロキシの経路' });
    const note = within(section).getByRole('note');
    expect(note).toHaveClass('callout-warn');
    expect(note).toHaveTextContent('このパソコンの通常のブラウザーは、このエンドポイントへの通信をプロキシに送ります。');
    expect(note).toHaveTextContent(`ブラウザーのプロキシの例外（no_proxy）に ${HOST} を追加してください。`);
    expect(section).toHaveTextContent('「エンドポイント → エンドポイントへの経路」が「直接接続（プロキシなし）」になっています。');
    // The environment's error is English from the system: only as <code>.
    expect(within(section).getByText(/unsupported proxy scheme/, { selector: 'code' })).toBeInTheDocument();
    expectOriginalsClosed(section);
    expectNoEnglishSentences(section, { allow: USER_DATA });
  });

  it('the connections view with a reconnecting connection', async () => {
    const reconnecting: ConnectionInfo = {
      desktopId: 'd1',
      port: 41234,
      origin: 'https://127.0.0.1:41234',
      state: { kind: 'reconnecting', attempt: 2, lastError: { code: 'TCP_TIMEOUT', message: '10.213.66.188:50001 did not answer in time (firewall, security group, or unhealthy target?)', params: { address: '10.213.66.188:50001', errno: 'ETIMEDOUT', timeout: true } } },
      stats: { activeSockets: 0, activeWebSockets: 0, totalSockets: 6, bytesUp: 1024, bytesDown: 4096, upstreamConnectMs: null, lastError: { code: 'TCP_TIMEOUT', step: 'tcp', message: '10.213.66.188:50001 did not answer in time', at: '2025-03-01T09:05:00.000Z' } },
      openedAt: '2025-03-01T09:00:00.000Z',
    };
    const api = createFakeApi({ endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })], settings: ja });
    api.handle('connection.list', () => ok([reconnecting]));
    const { services } = renderApp(api, { lang: 'ja' });
    // Open already (in a window): its Connect button says 表示 and brings it forward.
    await screen.findByRole('button', { name: 'Agent 1 を表示' });
    act(() => services.stores.nav.getState().go('connections'));
    act(() => api.emit('connection.changed', reconnecting));
    const row = await screen.findByRole('listitem', { name: 'Agent 1' });
    expect(within(row).getByText('再接続中（2 回目、TCP_TIMEOUT）')).toBeInTheDocument();
    const error = row.querySelector('.callout')!;
    expect(error).toHaveTextContent('最後のエラー: 10.213.66.188:50001 から時間内に応答がありません。途中で通信が止められています。');
    expectOriginalsClosed(row);
    expectNoEnglishSentences(row, { allow: USER_DATA });
  });
});
