import { describe, expect, it } from 'vitest';
import { formatReport, redact, redactAuthToken, REDACTED, REDACTED_TOKEN } from './report';
import type { Diagnosis } from './types';

const PASSWORD = 'Pr0xy-P@ss:w0rd!';
const TOKEN = 'tok_9f8e7d6c5b4a';
const COOKIE = 'sess-4242-abcdef';
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.payload.sig';
const CALLER_SECRET = 'launch-token-xyz123';

/** A diagnosis with secrets everywhere a careless detail could carry them. */
function leakyDiagnosis(): Diagnosis {
  return {
    ok: false,
    target: `https://vpce-1.example:8443/?authToken=${TOKEN}#session-1`,
    startedAt: '2025-01-01T00:00:00.000Z',
    steps: [
      { id: 'dns', status: 'ok', code: 'OK', durationMs: 1, detail: { summary: 'vpce-1.example → 127.0.0.1', addresses: ['127.0.0.1'] } },
      {
        id: 'proxy',
        status: 'fail',
        code: 'PROXY_AUTH_REQUIRED',
        durationMs: 2,
        detail: {
          summary: `CONNECT via http://alice:${encodeURIComponent(PASSWORD)}@proxy.example:3128 → 407`,
          proxyUrl: `http://alice:${PASSWORD}@proxy.example:3128`,
          proxyCredentials: { username: 'alice', password: PASSWORD },
          request: `CONNECT vpce-1.example:8443 HTTP/1.1\r\nProxy-Authorization: Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}\r\n`,
        },
        hint: `Enter credentials (you sent ${CALLER_SECRET})`,
      },
      {
        id: 'http',
        status: 'skip',
        code: 'SKIPPED',
        durationMs: 0,
        detail: {
          path: `/?authToken=${TOKEN}`,
          headers: { 'set-cookie': [`dcvsim=${COOKIE}; Path=/; Secure; HttpOnly`], cookie: `a=${COOKIE}; b=${COOKIE}x`, authorization: `Bearer ${BEARER}` },
          setCookie: [`dcvsim=${COOKIE}; Path=/; Secure`],
          raw: `Set-Cookie: dcvsim=${COOKIE}; Path=/\nAuthorization: Bearer ${BEARER}`,
        },
      },
    ],
  };
}

const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), TOKEN, COOKIE, BEARER, CALLER_SECRET, Buffer.from(`alice:${PASSWORD}`).toString('base64')];

describe('formatReport', () => {
  for (const format of ['markdown', 'json'] as const) {
    it(`leaves no secret in the ${format} report`, () => {
      const out = formatReport(leakyDiagnosis(), {
        format,
        secrets: [CALLER_SECRET],
        context: { proxy: `http://alice:${PASSWORD}@proxy.example:3128`, authToken: TOKEN, app: 'DCV Launcher 0.1.0' },
      });
      for (const s of SECRETS) expect(out, `leaked ${s}`).not.toContain(s);
      // What helps a support engineer stays.
      expect(out).toContain('PROXY_AUTH_REQUIRED');
      expect(out).toContain('http://alice:***@proxy.example:3128');
      expect(out).toContain('authToken=***');
      expect(out).toContain('dcvsim=***');
      expect(out).toContain('Path=/');
      expect(out).toContain('DCV Launcher 0.1.0');
    });
  }

  it('JSON is one parseable object with the steps and context', () => {
    const parsed = JSON.parse(formatReport(leakyDiagnosis(), { format: 'json', context: { os: 'linux' } }));
    expect(parsed.ok).toBe(false);
    expect(parsed.steps.map((s: { id: string }) => s.id)).toEqual(['dns', 'proxy', 'http']);
    expect(parsed.steps[1].detail.proxyCredentials).toEqual({ username: 'alice', password: REDACTED });
    expect(parsed.context).toEqual({ os: 'linux' });
  });

  it('markdown has the verdict, one table row per step, the hints, and escapes pipes', () => {
    const d = leakyDiagnosis();
    d.steps[0].detail.summary = 'a | b';
    const md = formatReport(d, { format: 'markdown' });
    expect(md).toContain('**FAILED** at proxy (PROXY_AUTH_REQUIRED)');
    expect(md.split('\n').filter((l) => /^\| (dns|proxy|http) \|/.test(l))).toHaveLength(3);
    expect(md).toContain('a \\| b');
    expect(md).toContain('- **proxy — PROXY_AUTH_REQUIRED**: Enter credentials');
  });
});

describe('redact', () => {
  it('does not touch the input and reports what it removed', () => {
    const input = { password: 'hunter22', nested: [{ url: 'https://u:p4ss@h/' }] };
    const { value, found } = redact(input);
    expect(input.password).toBe('hunter22');
    expect(value).toEqual({ password: REDACTED, nested: [{ url: 'https://u:***@h/' }] });
    expect([...found].sort()).toEqual(['hunter22', 'p4ss']);
  });
});

describe('redactAuthToken', () => {
  it('replaces every authToken value in a path or URL, and keeps the rest', () => {
    expect(redactAuthToken(`/dcv/?authToken=${encodeURIComponent('a/b+c=')}&x=1#s`)).toBe(`/dcv/?authToken=${REDACTED_TOKEN}&x=1#s`);
    expect(redactAuthToken('/ws')).toBe('/ws');
  });

  it('a report leaves an already redacted token as it is (no secret to note, nothing else replaced)', () => {
    const d: Diagnosis = {
      ok: true,
      target: 'https://gw:8443/',
      startedAt: '2025-01-01T00:00:00.000Z',
      steps: [{ id: 'http', status: 'ok', code: 'OK', durationMs: 1, detail: { summary: 'GET /?authToken=[redacted] → 200 OK', sent: { path: '/?authToken=[redacted]' } } }],
    };
    const text = formatReport(d, { format: 'json' });
    expect(text).toContain('/?authToken=[redacted]');
    expect(text).not.toContain(REDACTED);
  });
});

