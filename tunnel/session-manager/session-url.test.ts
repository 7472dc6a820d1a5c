import { describe, expect, it } from 'vitest';
import { serverEndpointOf, sessionEntry, sessionOpening, webUrlPathOf } from './session-url';
import type { SessionSummary } from './types';

const session = (server: Partial<SessionSummary['server']> = {}): SessionSummary => ({
  id: 'sess-1',
  name: 'n',
  owner: 'alice',
  type: 'VIRTUAL',
  state: 'READY',
  server: { ip: '10.0.0.5', hostname: 'ip-10-0-0-5', port: 8443, webUrlPath: '/', endpoints: [], tags: {}, ...server },
});

describe('webUrlPathOf', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/dcv', '/dcv/'],
    ['dcv/', '/dcv/'],
    ['/a/b.c_d~e-f/', '/a/b.c_d~e-f/'],
    ['/../etc/', '/'],
    ['/a b/', '/'],
    ['/%2e%2e/', '/'],
    ['/x?y', '/'],
  ])('%j → %j', (raw, want) => {
    expect(webUrlPathOf(session({ webUrlPath: raw }))).toBe(want);
  });
});

describe('serverEndpointOf', () => {
  it('Server.Ip and Server.Port; else Hostname, the HTTP endpoint\'s port, 8443', () => {
    expect(serverEndpointOf(session())).toEqual({ host: '10.0.0.5', port: 8443 });
    expect(serverEndpointOf(session({ ip: '', port: undefined, endpoints: [{ address: 'x', port: 9443, protocol: 'QUIC', webUrlPath: '/' }, { address: 'x', port: 8444, protocol: 'HTTP', webUrlPath: '/' }] }))).toEqual({ host: 'ip-10-0-0-5', port: 8444 });
    expect(serverEndpointOf(session({ port: undefined }))).toEqual({ host: '10.0.0.5', port: 8443 });
    expect(serverEndpointOf(session({ ip: '', hostname: '' }))).toBeUndefined();
  });
});

describe('sessionOpening', () => {
  it('through a Gateway: its host and port, the session\'s WebUrlPath, token and id on the entry page', () => {
    expect(sessionOpening(session({ webUrlPath: '/dcv/' }), 'to+k/en=', { host: 'gw.corp', port: 8443 })).toEqual({
      upstream: { host: 'gw.corp', port: 8443, pathPrefix: '/' },
      webUrlPath: '/dcv/',
      entry: { query: 'authToken=to%2Bk%2Fen%3D', hash: 'sess-1' },
      displayUrl: 'https://gw.corp:8443/dcv/#sess-1',
    });
  });

  it('at the server; the display URL never carries the token', () => {
    const o = sessionOpening(session({ ip: '::1' }), 'secret-token');
    expect(o?.upstream).toEqual({ host: '::1', port: 8443, pathPrefix: '/' });
    expect(o?.displayUrl).toBe('https://[::1]:8443/#sess-1');
    expect(sessionOpening(session({ ip: '', hostname: '' }), 't')).toBeUndefined();
  });

  it('sessionEntry', () => {
    expect(sessionEntry('console', 'a b')).toEqual({ query: 'authToken=a%20b', hash: 'console' });
  });
});
