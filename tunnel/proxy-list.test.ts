import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatProxyList, parseProxyList, proxyFromUrl, redactProxyUrl } from './proxy-list';

describe('parseProxyList', () => {
  it.each([
    ['DIRECT', [{ kind: 'direct' }]],
    ['PROXY proxy:8080; DIRECT', [{ kind: 'proxy', host: 'proxy', port: 8080 }, { kind: 'direct' }]],
    ['proxy Corp.Example:3128;', [{ kind: 'proxy', host: 'corp.example', port: 3128 }]],
    ['PROXY a:1;PROXY b:2 ; DIRECT', [{ kind: 'proxy', host: 'a', port: 1 }, { kind: 'proxy', host: 'b', port: 2 }, { kind: 'direct' }]],
    ['PROXY [::1]:3128', [{ kind: 'proxy', host: '::1', port: 3128 }]],
    ['PROXY proxy', [{ kind: 'proxy', host: 'proxy', port: 80 }]],
  ])('%s', (input, expected) => {
    expect(parseProxyList(input)).toEqual(expected);
  });

  it.each([
    ['SOCKS5 s:1080; DIRECT', /"SOCKS5 s:1080" is not supported/],
    ['HTTPS secure:443', /"HTTPS secure:443" is not supported/],
    ['', /empty/],
    [' ; ', /empty/],
    ['PROXY a:99999', /port must be 1-65535/],
    ['PROXY', /not understood/],
    ['DIRECT now', /not understood/],
    ['FTP x:21', /not understood/],
  ])('rejects %j', (input, message) => {
    expect(() => parseProxyList(input)).toThrow(message);
  });

  it('formats back to the same list', () => {
    const s = 'PROXY proxy:8080; PROXY [::1]:3128; DIRECT';
    expect(formatProxyList(parseProxyList(s))).toBe(s);
  });
});

describe('proxyFromUrl', () => {
  it('decodes credentials that contain : @ %', () => {
    const r = proxyFromUrl('http://us%40er:p%3Aa%40ss%25w@proxy.corp:8080/');
    expect(r.entry).toEqual({ kind: 'proxy', host: 'proxy.corp', port: 8080 });
    expect(r.credentials).toEqual({ username: 'us@er', password: 'p:a@ss%w' });
  });

  it('takes a user without password, and no userinfo at all', () => {
    expect(proxyFromUrl('http://user@proxy:8080')).toMatchObject({ username: 'user', credentials: { username: 'user', password: '' } });
    expect(proxyFromUrl('http://proxy:3128').username).toBeUndefined();
  });

  it('follows curl: no scheme means http, no port means 1080; an explicit :80 is kept', () => {
    expect(proxyFromUrl('proxy:3128').entry.port).toBe(3128);
    expect(proxyFromUrl('http://proxy').entry.port).toBe(1080);
    expect(proxyFromUrl('http://proxy:80').entry.port).toBe(80);
    expect(proxyFromUrl('http://[::1]:3128').entry.host).toBe('::1');
  });

  it.each([
    ['https://proxy:443', /HTTPS proxies .* not supported/],
    ['socks5://proxy:1080', /SOCKS proxies are not supported/],
    ['socks5h://proxy:1080', /SOCKS proxies are not supported/],
    ['ftp://proxy:21', /"ftp:\/\/" is not supported/],
    ['http://', /names no host/],
    ['', /empty/],
    ['http://proxy:0', /port must be/],
  ])('rejects %j', (input, message) => {
    expect(() => proxyFromUrl(input)).toThrow(message);
  });

  it('never puts the password in an error message', () => {
    expect(() => proxyFromUrl('http://u:s3cret@proxy:99999')).toThrow(/^(?!.*s3cret)/s);
    expect(redactProxyUrl('http://u:s3cr@t@proxy:8080')).toBe('http://u:***@proxy:8080');
  });
});

/**
 * Issue 12, item 4: a password written into a proxy URL as it is, `#`, `/`, `?`, `@`, `:`, `%`
 * and spaces included. Redaction takes everything between the scheme and the last `@`; the
 * parse either finds exactly that user and password or refuses with a code, never a message
 * that quotes the password, and never a proxy named by a piece of it.
 */
describe('proxy URLs with a password written as it is (property)', () => {
  const password = fc
    .string({ unit: fc.constantFrom(...'abcXYZ019#/?@:% '), minLength: 8, maxLength: 24 })
    .filter((p) => /[#/?@:% ]/.test(p) && (p.match(/[a-zA-Z0-9]/g) ?? []).length >= 3);
  const scheme = fc.constantFrom('http://', '');

  it('redactProxyUrl leaves no part of the password', () => {
    fc.assert(
      fc.property(scheme, password, (s, pw) => {
        const out = redactProxyUrl(`${s}alice:${pw}@proxy.corp:3128`);
        expect(out).not.toContain(pw);
        expect(out).toBe(`${s}alice:***@proxy.corp:3128`);
      }),
    );
  });

  it('proxyFromUrl: the right proxy and credentials, or PROXY_URL_UNENCODED; the password in no message', () => {
    fc.assert(
      fc.property(scheme, password, (s, pw) => {
        let parsed: ReturnType<typeof proxyFromUrl>;
        try {
          parsed = proxyFromUrl(`${s}alice:${pw}@proxy.corp:3128`);
        } catch (e) {
          expect((e as Error).message).not.toContain(pw);
          if (/[#/?]/.test(pw)) expect(e).toMatchObject({ code: 'PROXY_URL_UNENCODED' });
          return;
        }
        expect(pw).not.toMatch(/[#/?]/);
        expect(parsed.entry).toEqual({ kind: 'proxy', host: 'proxy.corp', port: 3128 });
        expect(parsed.credentials).toEqual({ username: 'alice', password: decodeURIComponent(pw) });
      }),
    );
  });

  it('a schemeless URL whose password starts with "//" is not read as scheme "alice" (fast-check found it)', () => {
    expect(redactProxyUrl('alice://aaaaaaaa@proxy.corp:3128')).toBe('alice:***@proxy.corp:3128');
    const thrown = (() => {
      try {
        proxyFromUrl('alice://aaaaaaaa@proxy.corp:3128');
      } catch (e) {
        return e as Error & { code?: string };
      }
    })();
    expect(thrown?.code).toBe('PROXY_URL_UNENCODED');
    expect(thrown?.message).not.toContain('aaaaaaaa');
  });

  it('a piece of the password never becomes the proxy', () => {
    // WHATWG URL reads "http://alice:123#x@proxy:3128" as host alice, port 123.
    expect(() => proxyFromUrl('http://alice:123#x@proxy:3128')).toThrow(expect.objectContaining({ code: 'PROXY_URL_UNENCODED' }));
    expect(() => proxyFromUrl('http://alice:p@ss/x@proxy:3128')).toThrow(expect.objectContaining({ code: 'PROXY_URL_UNENCODED' }));
    expect(proxyFromUrl('http://alice:p%23ss%2Fx@proxy:3128').credentials).toEqual({ username: 'alice', password: 'p#ss/x' });
  });
});
