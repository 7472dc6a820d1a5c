/**
 * Issue 12, item 4: `HTTPS_PROXY=http://alice:<password>@proxy:3128` with the password written
 * as it is (`#`, `/`, `?`, `@`, `:`, `%`, spaces). Whatever it holds, it appears in none of
 * what the launcher writes or shows: the CLI's stderr and --json lines (tunnel and doctor),
 * the doctor's report (Markdown and JSON), the proxy explainer, error messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Endpoint } from '../../preload/contract/model';
import { createProxyPolicy } from '../../main/services/proxy-policy';
import { main } from '../../tunnel/cli';
import { diagnose } from '../../tunnel/doctor';
import { envProxyFor } from '../../tunnel/no-proxy';
import { proxyFromUrl } from '../../tunnel/proxy-list';
import { formatReport } from '../../tunnel/report';
import { closedPort } from '../../tunnel/testing/tls-peer';

const certDir = mkdtempSync(join(tmpdir(), 'dcv-leaks-'));
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

const password = fc
  .string({ unit: fc.constantFrom(...'abcXYZ019#/?@:% '), minLength: 8, maxLength: 24 })
  .filter((p) => /[#/?@:% ]/.test(p) && (p.match(/[a-zA-Z0-9]/g) ?? []).length >= 3);

/** Runs the CLI in this process with HTTPS_PROXY set; everything it wrote to stdout and stderr. */
async function cliOutput(args: string[], proxyUrl: string): Promise<string> {
  let written = '';
  const capture = (chunk: unknown) => {
    written += String(chunk);
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, https_proxy: process.env.https_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
  Object.assign(process.env, { HTTPS_PROXY: proxyUrl, https_proxy: '', NO_PROXY: '', no_proxy: '' });
  try {
    await main(args);
  } catch (e) {
    written += String((e as Error).message);
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
  }
  return written;
}

describe('a proxy password with # / ? @ : % and spaces is never printed (property)', () => {
  it('error messages and the route decision', () => {
    fc.assert(
      fc.property(password, (pw) => {
        const url = `http://alice:${pw}@proxy.corp:3128`;
        for (const f of [() => proxyFromUrl(url), () => envProxyFor('https://desk.example:8443/', { HTTPS_PROXY: url })]) {
          try {
            const r = f() as object;
            const { credentials: _c, password: _p, ...shown } = r as { credentials?: unknown; password?: unknown };
            expect(JSON.stringify(shown)).not.toContain(pw);
          } catch (e) {
            expect((e as Error).message).not.toContain(pw);
          }
        }
      }),
    );
  });

  it('the proxy explainer (env, and system without a resolver)', async () => {
    await fc.assert(
      fc.asyncProperty(password, async (pw) => {
        const policy = createProxyPolicy({ env: { HTTPS_PROXY: `http://alice:${pw}@proxy.corp:3128` } });
        for (const mode of ['env', 'system'] as const) {
          const endpoint = Endpoint.parse({ id: 'ep', name: 'ep', host: 'desk.example', proxy: { mode } });
          const explained = await policy.explain(endpoint, 'https://desk.example:8443/');
          expect(JSON.stringify(explained)).not.toContain(pw);
          const decided = await policy.decide(endpoint, 'https://desk.example:8443/').then(
            ({ envCredentials: _c, ...shown }) => JSON.stringify(shown),
            (e: Error) => e.message,
          );
          expect(decided).not.toContain(pw);
        }
      }),
    );
  });

  it('the doctor report, Markdown and JSON', async () => {
    const down = await closedPort();
    await fc.assert(
      fc.asyncProperty(password, async (pw) => {
        const url = `http://alice:${pw}@127.0.0.1:${down}`;
        let decision: ReturnType<typeof envProxyFor>;
        try {
          decision = envProxyFor(`https://127.0.0.1:${down}/`, { HTTPS_PROXY: url });
        } catch (e) {
          expect((e as Error).message).not.toContain(pw);
          return;
        }
        const diagnosis = await diagnose({
          upstream: { host: '127.0.0.1', port: down, pathPrefix: '/' },
          route: decision.route,
          routeReason: decision.reason,
          routeBecause: decision.because,
          proxyCredentials: decision.credentials,
          trust: { kind: 'system' },
          plainBrowserRoute: { route: 'PROXY', reason: decision.reason, because: decision.because },
        });
        for (const format of ['markdown', 'json'] as const) {
          // No secrets passed: the report must not need to be told.
          expect(formatReport(diagnosis, { format, context: { proxy: url } })).not.toContain(pw);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('the CLI: stderr and --json, of the tunnel and of the doctor', async () => {
    const down = await closedPort();
    await fc.assert(
      fc.asyncProperty(password, fc.boolean(), fc.boolean(), async (pw, json, doctor) => {
        const args = [...(doctor ? ['doctor'] : []), '--target', `https://127.0.0.1:${down}/`, '--proxy', 'env', '--cert-dir', certDir, ...(json ? ['--json'] : [])];
        const written = await cliOutput(args, `http://alice:${pw}@127.0.0.1:${down}`);
        expect(written.length).toBeGreaterThan(0);
        expect(written).not.toContain(pw);
      }),
      { numRuns: 24 },
    );
  });
});
