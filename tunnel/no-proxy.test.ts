import { describe, expect, it } from 'vitest';
import { envProxyFor, matchNoProxy, ROUTE_ENV_CODES } from './no-proxy';

const VPCE = 'vpce-0abc-xyz.vpce-svc-0123.eu-west-1.vpce.amazonaws.com';

// [host, port, NO_PROXY, matched entry or null]
const rows: Array<[string, number, string, string | null]> = [
  // exact names, case and trailing dots
  ['example.com', 443, 'example.com', 'example.com'],
  ['EXAMPLE.com', 443, 'example.COM', 'example.COM'],
  ['example.com.', 443, 'example.com', 'example.com'],
  ['example.com', 443, 'example.com.', 'example.com.'],
  ['example.org', 443, 'example.com', null],
  // a bare name is a domain, as in curl
  ['sub.example.com', 443, 'example.com', 'example.com'],
  ['notexample.com', 443, 'example.com', null],
  // leading dot and "*." suffixes
  ['sub.example.com', 443, '.example.com', '.example.com'],
  ['example.com', 443, '.example.com', '.example.com'],
  ['a.b.example.com', 443, '*.example.com', '*.example.com'],
  ['example.com', 443, '*.example.com', '*.example.com'],
  ['badexample.com', 443, '.example.com', null],
  [VPCE, 8443, '.amazonaws.com', '.amazonaws.com'],
  [VPCE, 8443, 'localhost,127.0.0.1,.internal', null],
  // lists: commas, spaces, empty entries, first match reported
  ['b.corp', 443, 'a.corp, b.corp ,c.corp', 'b.corp'],
  ['b.corp', 443, 'a.corp b.corp', 'b.corp'],
  ['b.corp', 443, ',,b.corp,', 'b.corp'],
  ['x.b.corp', 443, '.corp,b.corp', '.corp'],
  ['anything', 443, '', null],
  // "*"
  ['anything.at.all', 1, '*', '*'],
  ['10.1.2.3', 1, 'foo,*', '*'],
  ['host.corp', 443, '*corp', null], // only "*" alone or "*." prefix are wildcards
  // host:port
  ['example.com', 8443, 'example.com:8443', 'example.com:8443'],
  ['example.com', 443, 'example.com:8443', null],
  ['sub.example.com', 8443, '.example.com:8443', '.example.com:8443'],
  // IPv4 literals and CIDR
  ['10.213.66.188', 60000, '10.213.66.188', '10.213.66.188'],
  ['110.213.66.188', 60000, '10.213.66.188', null],
  ['10.213.66.188', 60000, '10.0.0.0/8', '10.0.0.0/8'],
  ['11.0.0.1', 443, '10.0.0.0/8', null],
  ['192.168.1.200', 443, '192.168.1.128/25', '192.168.1.128/25'],
  ['192.168.1.100', 443, '192.168.1.128/25', null],
  ['10.0.0.1', 443, '10.0.0.0/33', null], // bad prefix length matches nothing
  [VPCE, 443, '10.0.0.0/8', null], // names are not resolved
  ['10.213.66.188', 8443, '10.213.66.188:8443', '10.213.66.188:8443'],
  ['10.213.66.188', 443, '10.213.66.188:8443', null],
  // IPv6 literals, brackets, CIDR
  ['[::1]', 443, '::1', '::1'],
  ['::1', 443, '[::1]', '[::1]'],
  ['[::1]', 8443, '[::1]:8443', '[::1]:8443'],
  ['[::1]', 443, '[::1]:8443', null],
  ['[fd00::5]', 443, 'fd00::/8', 'fd00::/8'],
  ['[fe80::5]', 443, 'fd00::/8', null],
  ['[0:0:0:0:0:0:0:1]', 443, '::1', '::1'],
];

describe('matchNoProxy', () => {
  it.each(rows)('%s:%i against %j → %s', (host, port, list, entry) => {
    const r = matchNoProxy(host, port, list);
    expect(r).toEqual(entry === null ? { matched: false } : { matched: true, entry });
  });

  it('has no list → no match', () => {
    expect(matchNoProxy('example.com', 443, undefined)).toEqual({ matched: false });
  });
});

describe('envProxyFor', () => {
  const url = `https://${VPCE}:8443/`;

  it('no proxy variable → DIRECT', () => {
    expect(envProxyFor(url, {})).toEqual({ route: [{ kind: 'direct' }], reason: 'no HTTPS_PROXY set', because: { code: 'route.env.noProxyVar', params: { variable: 'HTTPS_PROXY' } } });
  });

  it('HTTPS_PROXY without NO_PROXY → the proxy, with decoded credentials and a redacted reason', () => {
    const r = envProxyFor(url, { HTTPS_PROXY: 'http://me:p%40ss@proxy:8080' });
    expect(r.route).toEqual([{ kind: 'proxy', host: 'proxy', port: 8080 }]);
    expect(r.credentials).toEqual({ username: 'me', password: 'p@ss' });
    expect(r.reason).toBe('HTTPS_PROXY is http://me:***@proxy:8080 (no NO_PROXY set)');
    // The same as data for the app's languages: the password is not in it either.
    expect(r.because).toEqual({ code: 'route.env.proxy', params: { variable: 'HTTPS_PROXY', proxy: 'http://me:***@proxy:8080', noProxyVariable: null } });
    expect(r.why).toBe('HTTPS_PROXY is set and NO_PROXY is not');
  });

  it('a NO_PROXY entry sends it DIRECT and says which', () => {
    const r = envProxyFor(url, { HTTPS_PROXY: 'http://proxy:8080', NO_PROXY: 'localhost,.amazonaws.com' });
    expect(r).toEqual({
      route: [{ kind: 'direct' }],
      reason: 'NO_PROXY entry `.amazonaws.com` matched',
      because: { code: 'route.env.noProxyMatched', params: { variable: 'NO_PROXY', entry: '.amazonaws.com' } },
      matched: '.amazonaws.com',
    });
  });

  it('no entry matched → the proxy, and the reason says so', () => {
    const r = envProxyFor(url, { HTTPS_PROXY: 'http://proxy:8080', NO_PROXY: 'localhost' });
    expect(r.reason).toBe('HTTPS_PROXY is http://proxy:8080 (no NO_PROXY entry matched)');
    // Why, without the proxy the route already names: to follow that route in a sentence.
    expect(r.why).toBe('HTTPS_PROXY is set and no NO_PROXY entry matches');
  });

  it('lower case wins over upper case, for the proxy and for no_proxy (curl)', () => {
    const env = { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2', no_proxy: 'other', NO_PROXY: '*' };
    const r = envProxyFor(url, env);
    expect(r.route).toEqual([{ kind: 'proxy', host: 'lower', port: 1 }]);
    expect(r.reason).toBe('https_proxy is http://lower:1 (no no_proxy entry matched)');
    expect(r.why).toBe('https_proxy is set and no no_proxy entry matches');
    expect(r.because).toEqual({ code: 'route.env.proxy', params: { variable: 'https_proxy', proxy: 'http://lower:1', noProxyVariable: 'no_proxy' } });
  });

  it('an empty variable counts as unset, and ALL_PROXY is the fallback (curl)', () => {
    expect(envProxyFor(url, { https_proxy: '', HTTPS_PROXY: 'http://upper:2' }).route).toEqual([{ kind: 'proxy', host: 'upper', port: 2 }]);
    expect(envProxyFor(url, { ALL_PROXY: 'http://all:3' }).route).toEqual([{ kind: 'proxy', host: 'all', port: 3 }]);
  });

  it('for http:// URLs only lower-case http_proxy counts', () => {
    expect(envProxyFor('http://host/', { HTTP_PROXY: 'http://p:1' }).reason).toBe('no http_proxy set');
    expect(envProxyFor('http://host/', { HTTP_PROXY: 'http://p:1' }).because).toEqual({ code: 'route.env.noProxyVar', params: { variable: 'http_proxy' } });
    expect(envProxyFor('http://host/', { http_proxy: 'http://p:1' }).route).toEqual([{ kind: 'proxy', host: 'p', port: 1 }]);
  });

  it('uses the default port 443 for NO_PROXY host:port entries', () => {
    expect(envProxyFor(`https://${VPCE}/`, { HTTPS_PROXY: 'http://p:1', NO_PROXY: `${VPCE}:443` }).route).toEqual([{ kind: 'direct' }]);
  });

  it('an unusable proxy variable is an error naming the variable', () => {
    expect(() => envProxyFor(url, { HTTPS_PROXY: 'socks5://s:1080' })).toThrow(/^HTTPS_PROXY: .*SOCKS/);
  });
});

describe('envProxyFor: the reason as data', () => {
  it('every decision has a `because` whose code is one of ROUTE_ENV_CODES, with plain params', () => {
    const url = `https://${VPCE}:8443/`;
    const envs = [{}, { HTTPS_PROXY: 'http://p:1' }, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.amazonaws.com' }, { ALL_PROXY: 'http://a:2', no_proxy: 'x' }];
    for (const env of envs) {
      const { because } = envProxyFor(url, env);
      expect(ROUTE_ENV_CODES as readonly string[]).toContain(because?.code);
      expect(JSON.parse(JSON.stringify(because))).toEqual(because);
    }
  });
});
