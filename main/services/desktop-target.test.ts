import { describe, expect, it } from 'vitest';
import { Desktop, Endpoint } from '../../preload/contract/model';
import { desktopTarget } from './desktop-target';

const endpoint = (extra: Record<string, unknown> = {}) => Endpoint.parse({ id: 'ep', name: 'ep', host: 'vpce-1.example.com', ...extra });
const desktop = (route: unknown, extra: Record<string, unknown> = {}) => Desktop.parse({ id: 'd', name: 'd', endpointId: 'ep', route, ...extra });

describe('desktopTarget', () => {
  it('port-mapped: the NLB port, no prefix, the endpoint URL the proxy decision is made for', () => {
    const t = desktopTarget(endpoint(), desktop({ kind: 'port', port: 50001 }, { webUrlPath: '/dcv' }));
    expect(t).toEqual({
      upstream: { host: 'vpce-1.example.com', port: 50001, pathPrefix: '/' },
      webUrlPath: '/dcv/',
      entry: {},
      url: 'https://vpce-1.example.com:50001/',
      trustKey: 'vpce-1.example.com:50001',
    });
  });

  it('path prefix: the agent is the first path segment; the address override and Host/Origin go along', () => {
    const t = desktopTarget(
      endpoint({ addressOverride: '10.213.66.188', hostHeader: '10.213.66.188', origin: 'https://10.213.66.188' }),
      desktop({ kind: 'prefix', agent: '10.150.248.180' }),
    );
    expect(t.upstream).toEqual({ host: 'vpce-1.example.com', port: 8443, pathPrefix: '/10.150.248.180/', resolve: [{ host: 'vpce-1.example.com', port: 8443, address: '10.213.66.188' }] });
    expect(t).toMatchObject({ hostHeader: '10.213.66.188', origin: 'https://10.213.66.188', entry: {} });
  });

  it('gateway: the token (URL-encoded) in the entry query, the session id as the hash; a token for another route is ignored', () => {
    const t = desktopTarget(endpoint(), desktop({ kind: 'gateway', sessionId: 'console~1' }), 'a/b+c=');
    expect(t.entry).toEqual({ query: 'authToken=a%2Fb%2Bc%3D', hash: 'console~1' });
    expect(t).toMatchObject({ authToken: 'a/b+c=', sessionId: 'console~1' });
    expect(desktopTarget(endpoint(), desktop({ kind: 'gateway', sessionId: 's' })).entry).toEqual({ hash: 's' });
    expect(desktopTarget(endpoint(), desktop({ kind: 'port', port: 1 }), 'tok').entry).toEqual({});
  });

  it('an IPv6 endpoint is bracketed in the URL and the trust key', () => {
    const t = desktopTarget(endpoint({ host: 'fd00::10' }), desktop({ kind: 'port', port: 8443 }));
    expect(t.url).toBe('https://[fd00::10]:8443/');
    expect(t.trustKey).toBe('[fd00::10]:8443');
  });
});
