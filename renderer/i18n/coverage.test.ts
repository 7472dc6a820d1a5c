/**
 * "An English sentence in the Japanese UI is a bug": every code main and the tunnel can send has
 * wording in both languages, each wording holds up with the facts it may get (all of them, or
 * none), the Japanese reads as Japanese, and every control a text names exists with that label.
 *
 * This test (only) imports the tunnel's and main's runtime lists, and reads main's sources for
 * codes that have no list, so a code added there without wording here fails here.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiErrorCode, HintFacts, Message } from '../../preload/contract/api';
import { ADVICE_CODES } from '../../tunnel/doctor-hints';
import { SUMMARY_CODES } from '../../tunnel/doctor-summary';
import { STEP_OF } from '../../tunnel/errors';
import { ROUTE_ENV_CODES } from '../../tunnel/no-proxy';
import type { BrokerErrorCode } from '../../tunnel/session-manager/types';
import { certificate, createFakeApi, desktop, endpoint, source } from '../test/fakeApi';
import { findEnglishSentences } from '../test/noEnglish';
import { renderApp } from '../test/render';
import { Rich } from '../ui/Rich';
import { en } from './en';
import { ja } from './ja';
import { formatFailure } from './messages';
import { PLACES, isPlace } from './places';
import { translate, type Lang, type MessageKey } from './translate';
import { createWords, isReasonCode, isSummaryCode, wordAdvice, wordMessage, wordSummary, type StepStatus } from './wording';
import { REASON_CODES } from './wording/codes';
// The sources that send codes, read as text (Vite's ?raw: the renderer imports no Node built-in).
import connectionManagerSource from '../../main/services/connection-manager.ts?raw';
import diagnosticsSource from '../../main/services/diagnostics.ts?raw';
import proxyPolicySource from '../../main/services/proxy-policy.ts?raw';
import sessionDirectorySource from '../../main/services/session-directory.ts?raw';

afterEach(cleanup);

const LANGS: Lang[] = ['en', 'ja'];
const words = (lang: Lang) => createWords(lang, (key, params) => translate(lang, key, params));

/** Text as the app shows it (<Rich>), checked the way the Japanese screens are. */
function problemsOf(lang: Lang, text: string): string[] {
  const problems: string[] = [];
  if (text.trim() === '') problems.push('empty');
  if (/undefined|\[object|NaN|\{\w+\}|\{ui:/.test(text)) problems.push(`unfilled: ${text}`);
  if ((text.match(/`/g) ?? []).length % 2 === 1) problems.push(`unbalanced code: ${text}`);
  if (lang === 'ja') {
    if (!/[\u3040-\u30ff\u4e00-\u9fff]/.test(text)) problems.push(`not Japanese: ${text}`);
    const { container } = render(createElement('p', null, createElement(Rich, { text })));
    problems.push(...findEnglishSentences(container).map((s) => `English "${s}" in: ${text}`));
    cleanup();
  }
  return problems;
}

// ---- facts and params to word with: all of them, some, none -------------------------------------------

const HOST = 'vpce-0abc-xyz.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com';
const minimal: HintFacts = { host: HOST, port: 50001, pathPrefix: '/', webUrlPath: '/' };
const full: HintFacts = {
  ...minimal,
  pathPrefix: '/10.150.248.180/',
  address: '10.213.66.188',
  proxy: 'proxy.corp.example:8080',
  routeReason: 'HTTPS_PROXY is set',
  routeBecause: { code: 'route.systemFallback', params: { because: 'route.env.proxy', 'because.variable': 'HTTPS_PROXY', 'because.proxy': 'http://proxy:8080', 'because.noProxyVariable': null } },
  proxyStatus: 407,
  proxyAuthenticate: 'Negotiate, NTLM',
  hasProxyCredentials: true,
  certificate: certificate({ subjectAltName: ['DNS:dcv-gateway'] }),
  pins: ['sha256/AAAA='],
  status: 403,
  location: 'https://broker.example:8443/login',
  path: '/auth',
  hostHeader: `${HOST}:50001`,
  origin: `https://${HOST}:50001`,
  hostAccepted: true,
  hasAuthToken: false,
  sessionId: 'console',
  plainBrowserRoute: { route: 'PROXY proxy:8080; DIRECT', reason: 'the system proxy settings say so', because: { code: 'route.system', params: { route: 'PROXY proxy:8080' } } },
  daysLeft: 12,
  earlierRoutes: [{ route: 'PROXY dead:3128', code: 'PROXY_UNREACHABLE', message: 'proxy dead:3128 is unreachable' }],
  message: 'connect ECONNREFUSED 10.213.66.188:50001',
  via: 'gateway',
  brokerHost: 'broker.corp',
  brokerPort: 8448,
  clientId: '5f0c',
  operation: 'describeSessions',
  brokerStatus: 500,
  sessionState: 'CREATING',
  stateReason: 'Placing the session',
  sessionServer: { ip: '10.150.248.180', hostname: 'agent1.corp', port: 8443 },
  maxConcurrentClients: 1,
  numOfConnections: 1,
  abortReason: 'SERVER_UNREACHABLE',
  closeCode: 1011,
  closeReason: 'internal error',
  authMode: 'system',
  mechanisms: ['PLAIN'],
};
const FACTS: Record<string, HintFacts> = {
  minimal,
  full,
  atBroker: { ...full, port: 8448, atBroker: true, via: undefined, clientId: undefined, sessionState: 'DELETING', status: 404, proxyAuthenticate: 'Basic realm="corp"' },
  server: { ...full, via: 'server', brokerHost: undefined, status: 502, pathPrefix: '/', sessionState: 'STOPPED', proxy: undefined, hasProxyCredentials: false },
  redirect: { ...minimal, status: 302, location: '/login' },
  upgraded: { ...minimal, status: 101 },
};

/** Every param any summary or reason may carry, with a nested reason two deep. */
const PARAMS: Record<string, Message['params']> = {
  all: {
    step: 'proxy',
    code: 'PROXY_UNREACHABLE',
    host: HOST,
    port: 50001,
    addresses: ['10.213.66.188', '10.213.66.189'],
    address: '10.213.66.188:50001',
    override: '10.213.66.188',
    route: 'PROXY proxy:8080; DIRECT',
    proxy: 'proxy:8080',
    connectTo: '10.213.66.188:50001',
    status: 407,
    statusText: 'Proxy Authentication Required',
    proxyAuthenticate: 'Negotiate',
    because: 'route.systemFallback',
    'because.because': 'route.env.noProxyMatched',
    'because.because.variable': 'NO_PROXY',
    'because.because.entry': '.amazonaws.com',
    plainBrowserRoute: 'PROXY proxy:8080',
    plainBrowserBecause: 'route.system',
    'plainBrowserBecause.route': 'PROXY proxy:8080',
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    subject: 'CN=dcv-gateway',
    selfSigned: true,
    validTo: '2027-01-01T00:00:00.000Z',
    fingerprint: 'AB:CD',
    pinMatched: true,
    pinned: ['sha256/AAAA='],
    path: '/auth',
    server: 'nginx',
    hsts: true,
    origin: `https://${HOST}:50001`,
    location: '/login',
    acceptOk: false,
    subprotocol: null,
    connectionId: 3,
    serverName: 'dcv',
    serverVersion: '2024.0.1',
    reason: 'INVALID_SESSION_ID',
    closeCode: 1011,
    closeReason: 'internal error',
    mode: 'system',
    mechanisms: ['PLAIN'],
    sessions: 2,
    kind: 'saslChallenge',
    clientId: '5f0c',
    sessionId: 'console',
    name: 'CAD desktop',
    owner: 'alice',
    type: 'Virtual',
    state: 'CREATING',
    stateReason: 'Placing the session',
    serverIp: '10.150.248.180',
    serverHostname: 'agent1.corp',
    user: 'alice',
    tokenLength: 512,
    operation: 'getSessionConnectionData',
    url: `https://${HOST}:50001/`,
    variable: 'HTTPS_PROXY',
    entry: '.amazonaws.com',
    noProxyVariable: 'NO_PROXY',
    error: 'unsupported proxy scheme socks5:',
  },
  ok: { status: 200, statusText: 'OK', route: 'DIRECT', because: 'route.profile.direct', kind: 'not-dcv', sessions: 0, acceptOk: true, subprotocol: 'binary', noProxyVariable: null, user: null },
  none: {},
};

const STATUSES: Array<StepStatus | undefined> = ['ok', 'warn', 'fail', 'skip', undefined];

// ---- the codes main and the tunnel can send ----------------------------------------------------------------

const quoted = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]);

/** Route reasons and what the sources say: proxy-policy.ts writes them as literals (says.profile.<mode> for each mode). */
function reasonCodesMainSends(): string[] {
  const policy = proxyPolicySource;
  const literal = quoted(policy, /'((?:route|says|explain)\.[\w.]+)'/g);
  const modes = ['direct', 'manual', 'env', 'system'].map((m) => `says.profile.${m}`);
  return [...new Set([...literal, ...modes, ...ROUTE_ENV_CODES])];
}

const BROKER_CODES: Record<BrokerErrorCode, true> = {
  BROKER_UNREACHABLE: true,
  BROKER_AUTH_FAILED: true,
  BROKER_FORBIDDEN: true,
  SESSION_NOT_FOUND: true,
  SESSION_NOT_READY: true,
  BROKER_INVALID_REQUEST: true,
  BROKER_ERROR: true,
  BROKER_BAD_RESPONSE: true,
  BROKER_TIMEOUT: true,
};
const API_CODES: Record<ApiErrorCode, true> = { INVALID_INPUT: true, NOT_FOUND: true, CONFLICT: true, FORBIDDEN: true, STORE_ERROR: true, INTERNAL: true };

/** Every code a Failure, a ConnectionState or an ApiError can carry. */
function failureCodes(): string[] {
  const directory = quoted(sessionDirectorySource, /failed\('([A-Z_]+)'/g);
  const manager = quoted(connectionManagerSource, /kind: 'failed', code: '([A-Z_]+)'/g);
  return [...new Set([...Object.keys(STEP_OF), ...Object.keys(BROKER_CODES), ...Object.keys(API_CODES), ...directory, ...manager, 'CLOSED', 'UNEXPECTED'])];
}

// ---- wording --------------------------------------------------------------------------------------------------

describe('every code has wording in both languages', () => {
  it('advice: every ADVICE_CODES entry, with all facts, some, or only the endpoint', () => {
    const problems: string[] = [];
    for (const lang of LANGS) {
      const w = words(lang);
      for (const code of ADVICE_CODES) {
        for (const [name, facts] of Object.entries(FACTS)) {
          problems.push(...problemsOf(lang, wordAdvice(w, { code, facts })).map((p) => `${lang} ${code} (${name}): ${p}`));
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('summaries: every SUMMARY_CODES entry (and main’s own), with nested reasons, in every status', () => {
    const codes = [...SUMMARY_CODES, ...quoted(diagnosticsSource, /code: '(summary\.[\w.]+)'/g)];
    const problems: string[] = [];
    for (const code of codes) if (!isSummaryCode(code)) problems.push(`no wording for ${code}`);
    for (const lang of LANGS) {
      const w = words(lang);
      for (const code of new Set(codes)) {
        for (const [name, params] of Object.entries(PARAMS)) {
          for (const status of STATUSES) {
            problems.push(...problemsOf(lang, wordSummary(w, { code, params }, status)).map((p) => `${lang} ${code} (${name}, ${status}): ${p}`));
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('reasons: every route, says and explain code main and the tunnel send', () => {
    const sent = reasonCodesMainSends();
    expect(sent.filter((c) => !isReasonCode(c))).toEqual([]);
    // And nothing worded that nobody sends (a renamed code would leave its wording behind).
    expect(REASON_CODES.filter((c) => !sent.includes(c))).toEqual([]);
    const problems: string[] = [];
    for (const lang of LANGS) {
      const w = words(lang);
      for (const code of REASON_CODES) {
        for (const [name, params] of Object.entries(PARAMS)) {
          problems.push(...problemsOf(lang, wordMessage(w, { code, params })).map((p) => `${lang} ${code} (${name}): ${p}`));
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a reason never shows the English prose it carries (an error text goes to <code> only)', () => {
    for (const lang of LANGS) {
      const text = wordMessage(words(lang), { code: 'says.unusable', params: { error: 'unsupported proxy scheme socks5:' } });
      expect(text).not.toContain('unsupported');
    }
  });

  it('failures: every code a connection, a source or a request can fail with (err.<CODE>), with and without its params', () => {
    const problems: string[] = [];
    for (const code of failureCodes()) {
      for (const lang of LANGS) {
        if (!(`err.${code}` in (lang === 'en' ? en : ja))) {
          problems.push(`${lang}: no err.${code}`);
          continue;
        }
        const t = (key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params);
        for (const [name, params] of Object.entries({ ...PARAMS, withProxy: { ...PARAMS.all, proxyStatus: 502, timeout: true, errno: 'EADDRINUSE', broker: 'broker.corp:8448', ip: '10.150.248.180', hostname: 'agent1.corp', source: 'Tokyo' } })) {
          const text = formatFailure(t, { code, params });
          problems.push(...problemsOf(lang, text).map((p) => `${lang} ${code} (${name}): ${p}`));
          if (text.includes('unsupported proxy scheme') || text.includes('Placing the session')) problems.push(`${lang} ${code}: English prose in the text`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

// ---- places -----------------------------------------------------------------------------------------------------

describe('every control a text names exists', () => {
  it('every {ui:…} in a dictionary text is a place, and every place’s labels exist in both languages', () => {
    const used = new Set<string>();
    for (const dictionary of [en, ja]) for (const text of Object.values(dictionary)) for (const m of text.matchAll(/\{ui:([\w.-]+)\}/g)) used.add(m[1]);
    expect([...used].filter((p) => !isPlace(p))).toEqual([]);
    for (const [place, labels] of Object.entries(PLACES)) {
      for (const key of labels) {
        expect({ place, key, en: Boolean(en[key]?.trim()), ja: Boolean(ja[key]?.trim()) }).toEqual({ place, key, en: true, ja: true });
      }
    }
  });

  /**
   * Where each place's control is shown, and how it is found: a field by its label, else a
   * heading or a button with that text. The fixtures make every conditional field appear.
   */
  const SHOWN: Record<string, { open: (s: ReturnType<typeof renderApp>['services']) => void; as: 'field' | 'heading' | 'button' }> = {
    endpoint: { open: (s) => s.stores.editors.getState().show({ kind: 'endpoint', id: 'ep1' }), as: 'field' },
    'desktop.port': { open: (s) => s.stores.editors.getState().show({ kind: 'desktop', id: 'prefix' }), as: 'field' },
    'desktop.agent': { open: (s) => s.stores.editors.getState().show({ kind: 'desktop', id: 'prefix' }), as: 'field' },
    'desktop.sessionId': { open: (s) => s.stores.editors.getState().show({ kind: 'desktop', id: 'gateway' }), as: 'field' },
    'desktop.token': { open: (s) => s.stores.editors.getState().show({ kind: 'desktop', id: 'gateway' }), as: 'field' },
    desktop: { open: (s) => s.stores.editors.getState().show({ kind: 'desktop', id: 'd1' }), as: 'field' },
    profile: { open: (s) => s.stores.editors.getState().show({ kind: 'profile' }), as: 'field' },
    'source.rules': { open: (s) => s.stores.editors.getState().show({ kind: 'source', id: 'sm2' }), as: 'field' },
    source: { open: (s) => s.stores.editors.getState().show({ kind: 'source', id: 'sm1' }), as: 'field' },
    settings: { open: (s) => s.stores.nav.getState().go('settings'), as: 'heading' },
    doctor: { open: (s) => s.stores.nav.getState().go('troubleshoot'), as: 'button' },
  };
  const shownFor = (place: string) => SHOWN[place] ?? SHOWN[place.split('.')[0]];

  it.each(LANGS)('(%s) the last label of every place is what its form really shows', async (lang) => {
    const missing: string[] = [];
    for (const [place, labels] of Object.entries(PLACES)) {
      const api = createFakeApi({
        endpoints: [endpoint({ proxy: { mode: 'manual', url: 'http://proxy.corp:8080', username: 'taro' } })],
        desktops: [
          desktop({ id: 'd1' }),
          desktop({ id: 'prefix', name: 'Router', route: { kind: 'prefix', port: 8443, agent: '10.150.248.180' } }),
          desktop({ id: 'gateway', name: 'Gateway', route: { kind: 'gateway', port: 8443, sessionId: 'console' } }),
        ],
        sources: [source(), source({ id: 'sm2', name: 'Rules', open: { via: 'server', rules: [{ server: '*', route: { kind: 'port', port: 50001 } }] } })],
        settings: { language: lang, view: 'list' },
      });
      const app = renderApp(api, { lang });
      await screen.findAllByText(translate(lang, 'nav.desktops'));
      const shown = shownFor(place);
      act(() => shown.open(app.services));
      const label = translate(lang, labels[labels.length - 1]);
      const found =
        shown.as === 'field' ? await screen.findAllByLabelText(label).catch(() => [])
        : shown.as === 'heading' ? await screen.findAllByRole('heading', { name: label }).catch(() => [])
        : await screen.findAllByRole('button', { name: label }).catch(() => []);
      if (found.length === 0) missing.push(`${place}: “${label}”`);
      cleanup();
    }
    expect(missing).toEqual([]);
  });
});
