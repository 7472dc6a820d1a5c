import { describe, expect, it } from 'vitest';
import { ADVICE_CODES, adviceFor, hintFor, HINTED_CODES, type HintFacts } from './doctor-hints';
import { STEP_OF, type TunnelErrorCode } from './errors';

const facts: HintFacts = {
  host: 'vpce-0abc-1234.vpce-svc-0def.eu-west-1.vpce.amazonaws.com',
  port: 60000,
  pathPrefix: '/',
  webUrlPath: '/',
  proxy: 'proxy.corp:8080',
  hostHeader: 'vpce-0abc-1234.vpce-svc-0def.eu-west-1.vpce.amazonaws.com:60000',
  origin: 'https://vpce-0abc-1234.vpce-svc-0def.eu-west-1.vpce.amazonaws.com:60000',
};

describe('doctor hints', () => {
  it('has a specific hint for every error code of the path (everything but the listener)', () => {
    const pathCodes = (Object.keys(STEP_OF) as TunnelErrorCode[]).filter((c) => STEP_OF[c] !== 'listen');
    for (const code of pathCodes) expect(HINTED_CODES, code).toContain(code);
  });

  it('points at the setting or the server line to change', () => {
    expect(hintFor('DNS_NOT_FOUND', facts)).toContain('Endpoint → Address override');
    expect(hintFor('PROXY_CONNECT_FORBIDDEN', facts)).toMatch(/'Direct'.*no_proxy/s);
    expect(hintFor('PROXY_AUTH_REQUIRED', { ...facts, proxyAuthenticate: 'Basic realm="corp"' })).toContain('Basic realm="corp"');
    expect(hintFor('PROXY_AUTH_REQUIRED', { ...facts, proxyAuthenticate: 'Negotiate' })).toContain('not Basic');
    expect(hintFor('WS_FORBIDDEN', { ...facts, hostAccepted: true })).toMatch(/Origin the server refuses[\s\S]*allowed-ws-origin-regex/);
    expect(hintFor('WS_FORBIDDEN', facts)).toContain(facts.origin);
    expect(hintFor('WS_REDIRECT', { ...facts, location: 'https://broker:8445/x' })).toMatch(/broker:8445[\s\S]*auth-token-verifier/);
    expect(hintFor('WS_NOT_FOUND', facts)).toMatch(/authToken[\s\S]*resolver[\s\S]*\[web-resources\]/);
    expect(hintFor('WS_NOT_FOUND', { ...facts, hasAuthToken: true })).not.toContain('carries no authToken');
    expect(hintFor('HTTP_STATUS', { ...facts, status: 404, pathPrefix: '/10.150.248.180/' })).toMatch(/web-url-path[\s\S]*nginx/);
    expect(hintFor('HTTP_STATUS', { ...facts, status: 403 })).toContain('allowed-http-host-regex');
    expect(hintFor('SYSTEM_PROXY_WOULD_INTERCEPT', { ...facts, plainBrowserRoute: { route: 'PROXY proxy.corp:8080', reason: 'HTTPS_PROXY' } })).toContain('no_proxy');
  });

  it('SYSTEM_PROXY_WOULD_INTERCEPT names the plain browser\'s route once, with why in one pair of parentheses', () => {
    const hint = hintFor('SYSTEM_PROXY_WOULD_INTERCEPT', {
      ...facts,
      address: '10.213.66.188',
      plainBrowserRoute: { route: 'PROXY proxy.corp.example:8080', reason: 'HTTPS_PROXY is set and no NO_PROXY entry matches' },
    });
    expect(hint).toBe(
      `The launcher goes DIRECT, but a plain browser on this machine would send ${facts.host} to PROXY proxy.corp.example:8080 ` +
        `(HTTPS_PROXY is set and no NO_PROXY entry matches): that is why curl works and a plain browser does not. ` +
        `Add ${facts.host} and 10.213.66.188 to no_proxy (and the browser's proxy exceptions), or open the desktop from the launcher.`,
    );
  });

  it('escapes the name it suggests for a regex', () => {
    expect(hintFor('WS_FORBIDDEN', facts)).toContain('vpce-0abc-1234\\.vpce-svc-0def\\.eu-west-1\\.vpce\\.amazonaws\\.com');
  });

  it('falls back to a generic hint for an unknown code', () => {
    expect(hintFor('SOMETHING_NEW', { ...facts, message: 'boom' })).toBe('Step failed with SOMETHING_NEW: boom.');
  });

  it('has a hint of its own for every advice code (none falls back to the generic text)', () => {
    for (const code of ADVICE_CODES) expect(hintFor(code, facts), code).not.toMatch(/^Step failed with /);
    expect(new Set(ADVICE_CODES).size).toBe(ADVICE_CODES.length);
  });

  it('advice is a snapshot of the facts as plain data: later changes do not reach it', () => {
    const f: HintFacts = { ...facts, sessionServer: { ip: '10.0.0.5', hostname: 'dcv-a' }, message: undefined };
    const a = adviceFor('GATEWAY_SESSION_UNRESOLVED', f);
    f.sessionServer!.ip = '10.9.9.9';
    expect(a.facts.sessionServer).toEqual({ ip: '10.0.0.5', hostname: 'dcv-a' });
    expect('message' in a.facts).toBe(false);
    expect(hintFor(a.code, a.facts)).toContain('10.0.0.5');
  });
});

describe('doctor hints: the Broker, the Gateway and DCV\'s first messages', () => {
  const broker: HintFacts = { host: 'vpce-0abc.example', port: 8448, pathPrefix: '/', webUrlPath: '/', atBroker: true, clientId: 'launcher', sessionId: 's-1' };
  const desktop: HintFacts = { ...facts, port: 8443, via: 'gateway', sessionId: 's-1', brokerHost: 'broker.corp', brokerPort: 8448 };

  it('the Broker\'s dial failures name the Broker and its port control, not the desktop\'s', () => {
    expect(hintFor('TCP_REFUSED', broker)).toMatch(/vpce-0abc\.example:8448 \(the Broker\)[\s\S]*Session Manager source → Broker port[\s\S]*dcv-session-manager-broker/);
    expect(hintFor('TCP_REFUSED', broker)).not.toContain('Endpoint → Port');
    expect(hintFor('TCP_REFUSED', facts)).toContain('Endpoint → Port');
    expect(hintFor('TLS_PIN_MISMATCH', { ...broker, pins: ['sha256/AAAA'] })).toMatch(/^The Broker at vpce-0abc\.example:8448 presented[\s\S]*sha256\/AAAA/);
    expect(hintFor('TLS_PIN_MISMATCH', { ...broker, pins: ['sha256/AAAA'] })).not.toContain('dcv list-endpoints');
    expect(hintFor('TLS_UNTRUSTED', broker)).toContain('/var/lib/dcvsmbroker/security/dcvsmbroker_ca.pem');
    expect(hintFor('TLS_HANDSHAKE_FAILED', broker)).toContain('Session Manager source → Broker port');
  });

  it('Broker refusals say what to change where', () => {
    expect(hintFor('BROKER_AUTH_FAILED', broker)).toMatch(/"launcher"[\s\S]*Session Manager source[\s\S]*register-api-client --client-name NAME/);
    expect(hintFor('BROKER_AUTH_FAILED', { ...broker, clientId: undefined })).toContain('wants an access token');
    expect(hintFor('BROKER_FORBIDDEN', { ...broker, operation: 'describeSessions' })).toMatch(/refused describeSessions \(403\)/);
    expect(hintFor('SESSION_NOT_FOUND', broker)).toMatch(/knows no session "s-1"/);
    expect(hintFor('SESSION_NOT_FOUND', { ...facts, sessionId: 'console' })).toMatch(/dcv list-sessions[\s\S]*create-session/);
    expect(hintFor('SESSION_NOT_READY', { ...broker, sessionState: 'CREATING', stateReason: 'placing' })).toMatch(/is CREATING \(placing\), not READY[\s\S]*wait/);
    expect(hintFor('SESSION_NOT_READY', { ...broker, sessionState: 'DELETING' })).toContain('create a new session');
    for (const code of ['BROKER_INVALID_REQUEST', 'BROKER_ERROR', 'BROKER_BAD_RESPONSE', 'BROKER_TIMEOUT'] as const) {
      expect(hintFor(code, { ...broker, operation: 'describeSessions', brokerStatus: 500 }), code).toContain('describeSessions');
    }
    expect(hintFor('BROKER_BAD_RESPONSE', broker)).toContain('client-to-broker-connector-https-port');
  });

  it('the Gateway: a missing token, an unresolved session (abort or close), an unreachable server', () => {
    const missing = hintFor('GATEWAY_TOKEN_MISSING', { ...desktop, path: '/auth', status: 404, sessionId: 'console' });
    expect(missing).toMatch(/\/auth answered 404[\s\S]*Session Manager source[\s\S]*Endpoint → Auth token[\s\S]*#console\), not in \?sessionId=/);
    const unresolved = hintFor('GATEWAY_SESSION_UNRESOLVED', { ...desktop, abortReason: 'INVALID_SESSION_ID', sessionServer: { ip: '10.0.0.5', hostname: 'dcv-a', port: 8443 } });
    expect(unresolved).toMatch(/connectionAbort INVALID_SESSION_ID/);
    expect(unresolved).toContain('enable-gateway = true');
    expect(unresolved).toContain('[resolver] url = "https://broker.corp:8447"');
    expect(unresolved).toContain('ca-file = "/var/lib/dcvsmbroker/security/dcvsmbroker_ca.pem"');
    expect(unresolved).toContain('10.0.0.5 (dcv-a) port 8443');
    expect(hintFor('GATEWAY_SESSION_UNRESOLVED', desktop)).toContain('it closed the socket without an answer');
    expect(hintFor('GATEWAY_SESSION_UNRESOLVED', { ...desktop, brokerHost: undefined })).toContain('https://<broker>:8447');
    expect(hintFor('GATEWAY_SERVER_UNREACHABLE', { ...desktop, sessionServer: { ip: '10.0.0.5', hostname: '' } })).toMatch(/\(10\.0\.0\.5\) but cannot reach it/);
  });

  it('the first message\'s refusals', () => {
    const rejected = hintFor('TOKEN_REJECTED', desktop);
    expect(rejected).toMatch(/connect-session-token-duration-minutes[\s\S]*auth-token-verifier[\s\S]*"https:\/\/broker\.corp:8445\/agent\/validate-authentication-token"/);
    expect(hintFor('TOKEN_REJECTED', facts)).toContain('Endpoint → Auth token');
    expect(hintFor('CONNECTION_LIMIT_REACHED', { ...desktop, maxConcurrentClients: 1, numOfConnections: 1 })).toMatch(/MaxConcurrentClients 1, 1 connected/);
    expect(hintFor('NO_SESSION', facts)).toMatch(/dcv create-session[\s\S]*create-session = true[\s\S]*automatic-console-session/);
    expect(hintFor('WS_ABORTED', { ...desktop, abortReason: 'INTERNAL_SERVER_ERROR' })).toContain('INTERNAL_SERVER_ERROR');
    expect(hintFor('WS_CLOSED', { ...facts, path: '/ws', closeCode: 1008, closeReason: 'bye' })).toContain('(close 1008 "bye")');
    expect(hintFor('WS_UNEXPECTED', { ...facts, path: '/ws', message: 'a text message' })).toContain('a text message');
  });
});

