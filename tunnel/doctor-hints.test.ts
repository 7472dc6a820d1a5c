import { describe, expect, it } from 'vitest';
import { hintFor, HINTED_CODES, type HintFacts } from './doctor-hints';
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
});
