/**
 * Inputs, with fast-check: URL and header rewriting, the NO_PROXY matcher, the .dcv parser and
 * dcv:// links, catalogue import (JSON and port tables), the doctor's report and the proxy
 * errors that reach logs. Nothing may throw except the documented errors, and:
 *  - a path prefix is never escaped, for any prefix and any request target;
 *  - no CR/LF (or other control character) ever reaches a header;
 *  - a secret never appears in a report, an error, a warning or a log line.
 * The number of generated inputs each property tried goes into the figures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Desktop } from '../../preload/contract/model';
import { parseDcvFile } from '../../main/services/import-export/dcv-file';
import { parseDcvLink } from '../../main/services/import-export/dcv-link';
import { planJsonImport } from '../../main/services/import-export/json';
import { applyPlan, SKIPPED_EXAMPLES } from '../../main/services/import-export/plan';
import { parsePortTable, planPortTableImport } from '../../main/services/import-export/port-table';
import { validateCatalogue } from '../../main/services/store/document';
import { sampleCatalogue } from '../../main/services/store/fixtures';
import { basicProxyAuthorization } from '../../tunnel/connect-proxy';
import { dial } from '../../tunnel/dial';
import { isTunnelError } from '../../tunnel/errors';
import { envProxyFor, matchNoProxy } from '../../tunnel/no-proxy';
import { formatReport } from '../../tunnel/report';
import {
  createRewriteContext,
  mapRequestTarget,
  rewriteLocation,
  rewriteReferer,
  rewriteRequestHeaders,
  rewriteResponseHeaders,
  rewriteSetCookie,
} from '../../tunnel/rewrite';
import type { Diagnosis, DiagnosisStep } from '../../tunnel/types';
import { LaunchClient } from '../scenario/launch-client';
import { startSimulator } from '../sim/simulator';
import { recordFigure, startFigures } from './record';

const SUITE = 'properties';

beforeAll(() => startFigures(SUITE, 'Generated inputs (fast-check)'));

/** Runs a property, counts the inputs it tried, and records the row once it held. */
async function holds<T>(name: string, arb: fc.Arbitrary<T>, predicate: (value: T) => void | Promise<void>, numRuns: number): Promise<void> {
  let tried = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      tried++;
      await predicate(value);
    }),
    { numRuns },
  );
  recordFigure(SUITE, { case: name, 'Inputs tried': tried, Outcome: 'held' });
}

// ---- generators --------------------------------------------------------------------------------

const CONTROL = /[\0-\x08\x0a-\x1f\x7f]|[^\0-\xff]/;
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
const prefix = fc.array(segment, { maxLength: 3 }).map((segs) => (segs.length ? `/${segs.join('/')}/` : '/'));
const piece = fc.constantFrom('/', '..', '.', '%2e', '%2E', '%2f', '%5c', '%00', '\\', ';', 'a', '%', '%25', '?', '#', '//', 'http:', ' ', '\r', '\n', '\t', 'é', '%c0%ae');
const target = fc.oneof(
  fc.array(piece, { maxLength: 14 }).map((a) => '/' + a.join('')),
  fc.array(fc.oneof(piece, segment), { maxLength: 10 }).map((a) => a.join('')),
  fc.webPath(),
  fc.webUrl(),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
/** A secret that is easy to find and long enough that the report scans for it. */
const secret = fc.stringMatching(/^[A-Za-z0-9!$%&()*+,\-.\/:;<=>?@\[\]^_`{|}~]{6,24}$/).map((s) => `S3c${s}`);
const cookieSafeSecret = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]{6,24}$/).map((s) => `S3c${s}`);

/** What an upstream might do with a path: decode %XX once, treat "\" as "/", resolve dot segments. */
function asUpstreamSeesIt(path: string): string {
  const decoded = path.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  const out: string[] = [];
  for (const seg of decoded.replace(/\\/g, '/').split('/')) {
    const name = seg.split(';')[0];
    if (name === '..') out.pop();
    else if (name !== '.') out.push(seg);
  }
  return ('/' + out.join('/') + '/').replace(/\/+/g, '/');
}

// ---- rewriting ---------------------------------------------------------------------------------

describe('URL and header rewriting', () => {
  it('a path prefix is never escaped, for any prefix and any request target', async () => {
    await holds(
      'request target → upstream path: never outside the prefix, never a control character',
      fc.tuple(prefix, target),
      ([p, t]) => {
        const r = mapRequestTarget(t, p);
        if (!r.ok) {
          expect(typeof r.reason).toBe('string');
          return;
        }
        expect(r.path.startsWith(p)).toBe(true);
        expect(r.path).not.toMatch(/[\0-\x20\x7f]/);
        expect(asUpstreamSeesIt(r.path.split('?')[0]).startsWith(p)).toBe(true);
      },
      5_000,
    );
  });

  const context = fc
    .record({
      host: fc.oneof(fc.domain(), fc.ipV4()),
      port: fc.integer({ min: 1, max: 65535 }),
      pathPrefix: prefix,
      hostHeader: fc.option(fc.oneof(fc.domain(), text), { nil: undefined }),
      origin: fc.option(fc.oneof(fc.domain().map((d) => `https://${d}`), text), { nil: undefined }),
      localPort: fc.integer({ min: 1024, max: 65535 }),
    })
    .map((c) => {
      const local = `https://127.0.0.1:${c.localPort}`;
      try {
        return {
          c,
          ctx: createRewriteContext({
            upstream: { host: c.host, port: c.port, pathPrefix: c.pathPrefix },
            hostHeader: c.hostHeader,
            origin: c.origin,
            localOrigin: local,
            localOrigins: [local, `https://localhost:${c.localPort}`],
            cookieTag: `dcvl_t${c.localPort.toString(16).padStart(12, '0')}_`,
          }),
        };
      } catch (e) {
        // The one documented refusal: an override that is not a header value.
        expect((e as Error).message).toMatch(/^(hostHeader|origin) must be a non-empty header value without control characters$/);
        return { c, ctx: undefined };
      }
    });
  const headerName = fc.oneof(
    fc.constantFrom('Location', 'Content-Location', 'Set-Cookie', 'Referer', 'Origin', 'Cookie', 'Host', 'Connection', 'Transfer-Encoding', 'Upgrade', 'Strict-Transport-Security', 'X-Other'),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );

  it('no CR/LF ever reaches a header, whatever the context and the headers', async () => {
    await holds(
      'headers both ways, Location/Set-Cookie/Referer, random contexts: no control character out, nothing thrown',
      fc.tuple(context, fc.array(fc.tuple(headerName, text), { maxLength: 8 }), text),
      ([{ ctx }, list, value]) => {
        if (!ctx) return;
        const flat = list.flat();
        const upstreamUrl = `https://${ctx.upstreamHost}${ctx.pathPrefix}${value}`;
        const outs = [
          rewriteRequestHeaders(flat, ctx),
          rewriteRequestHeaders(flat, ctx, { upgrade: true }),
          rewriteResponseHeaders(flat, ctx),
          rewriteResponseHeaders(flat, ctx, { upgrade: true }),
          [rewriteLocation(value, ctx), rewriteLocation(upstreamUrl, ctx), rewriteSetCookie(value, ctx) ?? '', rewriteReferer(value, ctx) ?? ''],
        ];
        for (const out of outs.slice(0, 4)) for (const v of out) expect(v).not.toMatch(CONTROL);
        // A Location on the upstream that lies under the prefix comes back on the local origin.
        const loc = rewriteLocation(upstreamUrl, ctx);
        if (loc !== upstreamUrl) expect(loc.startsWith(ctx.localOrigin + '/')).toBe(true);
        // The launcher's session cookies never go upstream, nor any cookie without the tunnel's tag.
        const sent = rewriteRequestHeaders(['Cookie', `a=1; dcvl_session_${ctx.localOrigin.split(':')[2]}=x; ${value}`], ctx);
        for (const v of sent) expect(v).not.toMatch(/dcvl_session_\d+=x|(^|; )a=1/);
        // Whatever the upstream sets lands under the tag.
        const set = rewriteSetCookie(value, ctx);
        if (set !== null) expect(set.startsWith(ctx.cookieTag)).toBe(true);
      },
      3_000,
    );
  });
});

// ---- NO_PROXY ----------------------------------------------------------------------------------

describe('the NO_PROXY matcher', () => {
  const host = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6());
  const entry = fc.oneof(
    fc.domain(),
    fc.domain().map((d) => `.${d}`),
    fc.domain().map((d) => `*.${d}`),
    fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([d, p]) => `${d}:${p}`),
    fc.ipV4(),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, n]) => `${a}/${n}`),
    fc.ipV6().map((a) => `[${a}]`),
    fc.string({ unit: 'binary', maxLength: 16 }),
  );
  const list = fc.tuple(fc.array(entry, { maxLength: 6 }), fc.constantFrom(',', ', ', ' ', ',,')).map(([e, sep]) => e.join(sep));
  const port = fc.integer({ min: 1, max: 65535 });

  it('never throws; "*", the host itself and its parent domain match; "not"+domain does not; more entries never un-match', async () => {
    await holds(
      'NO_PROXY lists × hosts × ports: documented matches, monotonic, never throws',
      fc.tuple(host, port, list, entry),
      ([h, p, l, extra]) => {
        const r = matchNoProxy(h, p, l);
        if (r.matched) {
          expect(l.split(/[\s,]+/)).toContain(r.entry);
          expect(matchNoProxy(h, p, `${l},${extra}`).matched).toBe(true);
        }
        expect(matchNoProxy(h, p, `${l},*`).matched).toBe(true);
        if (/[a-z]/i.test(h) && !h.includes(':')) {
          expect(matchNoProxy(h, p, h).matched).toBe(true);
          expect(matchNoProxy(`desk.${h}`, p, `.${h}`).matched).toBe(true);
          expect(matchNoProxy(`not${h}`, p, h).matched).toBe(false);
          expect(matchNoProxy(h, p, `${h}:${p}`).matched).toBe(true);
          expect(matchNoProxy(h, p === 1 ? 2 : p - 1, `${h}:${p}`).matched).toBe(false);
        }
      },
      3_000,
    );
  });

  it('envProxyFor: only the documented error, and a proxy password never in the reason', async () => {
    const proxyValue = fc.oneof(
      fc.tuple(fc.domain(), port, fc.option(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), secret), { nil: undefined })).map(([d, p2, cred]) =>
        cred ? `http://${cred[0]}:${encodeURIComponent(cred[1])}@${d}:${p2}` : `http://${d}:${p2}`,
      ),
      fc.string({ unit: 'binary', maxLength: 30 }),
    );
    const env = fc.record(
      { https_proxy: proxyValue, HTTPS_PROXY: proxyValue, ALL_PROXY: proxyValue, http_proxy: proxyValue, no_proxy: list, NO_PROXY: list },
      { requiredKeys: [] },
    );
    await holds(
      'proxy environment (curl rules): only the documented error; the password never in the reason',
      fc.tuple(env, fc.constantFrom('https', 'http'), fc.domain(), port),
      ([e, scheme, h, p]) => {
        let decision: ReturnType<typeof envProxyFor>;
        try {
          decision = envProxyFor(`${scheme}://${h}:${p}/`, e);
        } catch (err) {
          expect((err as Error).message).toMatch(/^(https_proxy|HTTPS_PROXY|all_proxy|ALL_PROXY|http_proxy): /);
          return;
        }
        const password = decision.credentials?.password;
        if (password && password.length >= 4) {
          expect(decision.reason).not.toContain(password);
          expect(decision.reason).not.toContain(encodeURIComponent(password));
        }
      },
      2_000,
    );
  });
});

// ---- .dcv files and dcv:// links ---------------------------------------------------------------

describe('the .dcv parser and dcv:// links', () => {
  const key = fc.oneof(
    fc.constantFrom('host', 'port', 'weburlpath', 'sessionid', 'authtoken', 'user', 'password', 'proxytype', 'proxyhost', 'proxyport', 'proxyuser', 'proxypassword', 'certificatevalidationpolicy', 'format'),
    fc.string({ maxLength: 10 }),
  );
  const value = fc.oneof(fc.domain(), fc.integer({ min: -5, max: 70_000 }).map(String), fc.webPath(), fc.string({ unit: 'binary', maxLength: 30 }));
  const line = fc.oneof(
    fc.constantFrom('[version]', '[connect]', 'format=1.0', '[]', '# comment', '; comment', '', '[other]'),
    fc.tuple(key, fc.constantFrom('=', ' = ', '= "'), value).map(([k, eq, v]) => `${k}${eq}${v}`),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
  /** Where a file carries secrets: the token and passwords, and a broken line holding one. */
  const secretLines = fc.tuple(secret, fc.constantFrom('authtoken=', 'password=', 'proxypassword=', 'authtoken= ', '')).map(([s, k]) => ({ s, line: `${k}${s}` }));
  const eol = fc.constantFrom('\n', '\r\n', '\r');

  it('never throws; a token or password in the file never shows in an error or a warning', async () => {
    await holds(
      '.dcv files (INI-shaped and arbitrary text): a Result every time, no secret echoed',
      fc.tuple(fc.array(line, { maxLength: 16 }), fc.array(secretLines, { maxLength: 3 }), eol, fc.boolean()),
      ([lines, secrets, nl, shuffled]) => {
        const all = shuffled ? [...secrets.map((x) => x.line), ...lines] : ['[version]', 'format=1.0', '[connect]', ...lines, ...secrets.map((x) => x.line)];
        const r = parseDcvFile(all.join(nl));
        const said = r.ok ? r.warnings : r.errors;
        for (const { s } of secrets) for (const m of said) expect(m).not.toContain(s);
        // The same as data (codes and params for the app's languages): no secret either.
        const data = JSON.stringify(r.ok ? r.notes : r.problems);
        for (const { s } of secrets) expect(data).not.toContain(JSON.stringify(s).slice(1, -1));
        expect((r.ok ? r.notes : r.problems).length).toBe(said.length);
        if (r.ok) {
          expect(r.connect.port).toBeGreaterThanOrEqual(1);
          expect(r.connect.port).toBeLessThanOrEqual(65535);
          expect(r.connect.webUrlPath).toMatch(/^\/(.*\/)?$/);
          expect(r.connect.host).not.toBe('');
        }
      },
      3_000,
    );
    await holds('.dcv files, any text at all', fc.string({ unit: 'grapheme', maxLength: 400 }), (t) => void parseDcvFile(t), 1_000);
  });

  it('dcv:// links: never throw; token and password never echoed', async () => {
    await holds(
      'dcv:// links (generated and arbitrary): a Result every time, no secret echoed',
      fc.tuple(fc.oneof(fc.domain(), fc.string({ maxLength: 12 })), fc.option(fc.integer({ min: 0, max: 70_000 })), fc.webPath(), secret, secret, fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 60 })),
      ([h, p, path, token, password, session, junk]) => {
        const link = `dcv://user:${encodeURIComponent(password)}@${h}${p === null ? '' : `:${p}`}${path}?authToken=${encodeURIComponent(token)}#${session}`;
        for (const input of [link, junk, `dcv://${junk}`]) {
          const r = parseDcvLink(input);
          const said = r.ok ? r.warnings : r.errors;
          const data = JSON.stringify(r.ok ? r.notes : r.problems);
          for (const m of [...said, data]) {
            expect(m).not.toContain(password);
            expect(m).not.toContain(token);
          }
        }
      },
      2_000,
    );
  });
});

// ---- catalogue import --------------------------------------------------------------------------

describe('catalogue import', () => {
  const ids = () => {
    let n = 0;
    return () => `new${++n}`;
  };

  it('port tables: never throw; rows are real listener ports, once each, never SSH; the plan validates', async () => {
    const sep = fc.constantFrom(' ', '\t', ',', ' | ', ' -> ', ' => ');
    const row = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 70_000 }), sep, fc.oneof(fc.domain(), fc.ipV4(), fc.constant('ssh')), sep, fc.option(fc.ipV4(), { nil: '' })).map((a) => a.join('')),
      fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.constantFrom('', ':8443', ':22', ':99999')).map(([p, s]) => `TCP:${p} agent${s}`),
      fc.constantFrom('port,agent,ip', '# comment', '// note', '; x', ''),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    await holds(
      'NLB port tables (text/CSV, generated and arbitrary): rows valid, plan passes catalogue validation',
      fc.tuple(fc.array(row, { maxLength: 20 }), fc.constantFrom('\n', '\r\n')),
      ([rows, nl]) => {
        const textIn = rows.join(nl);
        const { rows: parsed, skipped } = parsePortTable(textIn);
        // Skipped lines are counted; only the first few (by line) are kept as examples.
        const { count, examples } = skipped.summary;
        expect(examples.length).toBe(Math.min(count, SKIPPED_EXAMPLES));
        const lines = examples.map((e) => e.params!.line as number);
        expect(lines).toEqual([...lines].sort((a, b) => a - b));
        const ports = parsed.map((r) => r.port);
        expect(new Set(ports).size).toBe(ports.length);
        for (const p of ports) {
          expect(p).toBeGreaterThanOrEqual(1);
          expect(p).toBeLessThanOrEqual(65535);
          expect(p).not.toBe(22);
        }
        const current = sampleCatalogue();
        const plan = planPortTableImport(textIn, current, 'ep1', ids());
        expect(plan.ok).toBe(true);
        if (!plan.ok) return;
        for (const d of plan.plan.preview.desktops) expect(Desktop.safeParse(d).success).toBe(true);
        expect(validateCatalogue(applyPlan(current, plan.plan)).ok).toBe(true);
      },
      2_000,
    );
  });

  it('JSON catalogues: never throw; whatever is accepted keeps the catalogue valid (ids unique, references resolve)', async () => {
    const base = JSON.parse(JSON.stringify(sampleCatalogue())) as Record<string, unknown>;
    const mutated = fc
      .tuple(
        fc.constantFrom('endpoints', 'desktops', 'profiles', 'recents', 'settings', 'version', 'extra'),
        fc.nat(3),
        fc.constantFrom('id', 'endpointId', 'desktopId', 'host', 'route', 'port', 'name', 'addressOverride', 'webUrlPath', 'localPort', 'whole'),
        fc.oneof(fc.jsonValue(), fc.constantFrom('d1', 'ep1', 'p1', 'ep-missing', '10.0.0.1', '/x/', 0, 65536, null)),
      )
      .map(([list, i, field, v]) => {
        const doc = structuredClone(base) as Record<string, unknown>;
        const items = doc[list];
        if (Array.isArray(items) && items.length > 0) {
          const item = items[i % items.length] as Record<string, unknown>;
          if (field === 'whole') items[i % items.length] = v;
          else if (field === 'port' && item.route) (item.route as Record<string, unknown>).port = v;
          else item[field] = v;
        } else {
          doc[list] = v;
        }
        return JSON.stringify(doc);
      });
    const input = fc.oneof(mutated, fc.json(), fc.string({ unit: 'binary', maxLength: 80 }), mutated.map((t) => t.slice(0, Math.max(1, t.length - 7))));
    await holds(
      'JSON catalogue import (mutated, arbitrary JSON, cut short, any text): only valid catalogues result',
      input,
      (textIn) => {
        const current = sampleCatalogue();
        const plan = planJsonImport(textIn, current, ids());
        if (!plan.ok) {
          expect(plan.message).toMatch(/^not a DCV Launcher catalogue: /);
          expect(plan.reason.code).toMatch(/^import\.json\./);
          return;
        }
        const merged = validateCatalogue(applyPlan(current, plan.plan));
        expect(merged.ok, merged.ok ? '' : merged.message).toBe(true);
      },
      1_500,
    );
  });
});

// ---- secrets in reports and logs ---------------------------------------------------------------

describe('a secret never appears in a report or a log', () => {
  const STEP_IDS: DiagnosisStep['id'][] = ['dns', 'tcp', 'proxy', 'tls', 'http', 'websocket'];

  /** Secrets planted where the redaction promises to look, plus the ones the caller passes in anywhere. */
  const planted = fc.record({
    password: secret,
    token: secret,
    cookie: cookieSafeSecret,
    bearer: cookieSafeSecret,
    known: secret,
    keyName: fc.constantFrom('password', 'proxyPassword', 'token', 'authToken', 'secret', 'authorization', 'credential', 'passwd'),
    noise: fc.array(text, { maxLength: 4 }),
    where: fc.array(fc.nat(5), { minLength: 1, maxLength: 4 }),
    format: fc.constantFrom('markdown' as const, 'json' as const),
  });

  it('formatReport: planted passwords, tokens, cookies and caller secrets are gone in both formats', async () => {
    await holds(
      "doctor's report (markdown and JSON) with secrets planted in URLs, headers, secret-named keys, hints and free text",
      planted,
      (p) => {
        const basic = Buffer.from(`alice:${p.password}`).toString('base64');
        const carriers = [
          `CONNECT via http://alice:${encodeURIComponent(p.password)}@proxy.corp:3128 → 407`,
          `https://vpce-1.example:8443/?authToken=${encodeURIComponent(p.token)}#s`,
          `Cookie: a=${p.cookie}; b=2`,
          `Proxy-Authorization: Basic ${basic}`,
          `Authorization: Bearer ${p.bearer}`,
          `you sent ${p.known} | and ${p.noise.join(' ')}`,
        ];
        const steps: DiagnosisStep[] = STEP_IDS.map((id, i) => ({
          id,
          status: i === 2 ? 'fail' : 'ok',
          code: i === 2 ? 'PROXY_AUTH_REQUIRED' : 'OK',
          durationMs: i,
          detail: {
            summary: carriers[p.where[i % p.where.length] % carriers.length],
            [p.keyName]: p.password,
            note: carriers[(i + 1) % carriers.length],
            free: `${p.noise[i] ?? ''} ${p.known}`,
          },
          ...(i === 2 ? { hint: `check ${p.known} and ${carriers[0]}` } : {}),
        }));
        const diagnosis: Diagnosis = { ok: false, target: carriers[1], startedAt: '2025-01-01T00:00:00.000Z', steps };
        const out = formatReport(diagnosis, { format: p.format, secrets: [p.known], context: { proxy: carriers[0], note: p.known } });
        for (const s of [p.password, encodeURIComponent(p.password), basic, p.token, encodeURIComponent(p.token), p.cookie, p.bearer, p.known]) {
          // As written, JSON-escaped, or escaped for a Markdown table cell.
          for (const form of new Set([s, JSON.stringify(s).slice(1, -1), s.replace(/\|/g, '\\|')])) expect(out, `leaked ${form}`).not.toContain(form);
        }
        expect(out).toContain('PROXY_AUTH_REQUIRED');
      },
      1_500,
    );
  });

  describe('proxy failures as the tunnel reports them (error message, details, log line)', () => {
    let server: Server;
    let port = 0;
    /** What the scripted proxy does with the next CONNECT. */
    let answer: (request: string, socket: Socket) => void = () => {};
    beforeAll(async () => {
      server = createServer((socket) => {
        let got = '';
        socket.on('error', () => {});
        socket.on('data', (d) => {
          got += d.toString('latin1');
          if (got.includes('\r\n\r\n')) answer(got, socket);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('whatever the proxy answers — 407, 403, 5xx, garbage, or our own request echoed back — the password is not in it', async () => {
      const reply = fc.oneof(
        fc.constantFrom(407, 403, 405, 500, 502, 503).map((s) => ({ kind: 'status' as const, s })),
        fc.constant({ kind: 'echo' as const, s: 0 }),
        fc.constant({ kind: 'close' as const, s: 0 }),
        fc.string({ unit: 'binary', maxLength: 60 }).map((g) => ({ kind: 'garbage' as const, s: 0, g })),
      );
      await holds(
        'proxy errors with credentials (any answer, our request echoed back): no password in the error or its log line',
        fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), secret, reply, fc.constantFrom('h', 'desk.example', '10.0.0.1')),
        async ([user, password, r, targetHost]) => {
          answer = (request, socket) => {
            if (r.kind === 'echo') socket.end(request);
            else if (r.kind === 'close') socket.destroy();
            else if (r.kind === 'garbage') socket.end(`${'g' in r ? r.g : ''}\r\n\r\n`);
            else socket.end(`HTTP/1.1 ${r.s} Nope\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n`);
          };
          const err = await dial({
            target: { host: targetHost, port: 8443 },
            route: [{ kind: 'proxy', host: '127.0.0.1', port }],
            proxyCredentials: { username: user, password },
            trust: { kind: 'system' },
            connectTimeoutMs: 5_000,
          }).then(
            (ok) => {
              ok.socket.destroy();
              throw new Error('dial through a failing proxy succeeded');
            },
            (e: unknown) => e,
          );
          expect(isTunnelError(err)).toBe(true);
          // What the UI shows and what the CLI logs: `error CODE (step): message` and the JSON event.
          const logged = [(err as Error).message, JSON.stringify(err), `error ${(err as { code: string }).code}: ${(err as Error).message}`];
          const basic = basicProxyAuthorization({ username: user, password }).slice('Basic '.length);
          for (const line of logged) {
            expect(line).not.toContain(password);
            // Even a part of the Basic credentials is too much (12 characters encode 9 bytes).
            for (let i = 0; i + 12 <= basic.length; i += 4) expect(line).not.toContain(basic.slice(i, i + 12));
          }
        },
        300,
      );
    });
  });
});

// ---- the CLI's log lines -----------------------------------------------------------------------

describe("the CLI's log lines", () => {
  const ROOT = resolve(import.meta.dirname, '../..');
  const TOKEN = 'S3cTok-7f3a9c1e5b';
  const PASSWORD = 'S3cPw|d:9@x/y%z';

  /** Runs dcv-tunnel as a user would; `during` gets its stdout so far and may act; resolves with everything it printed. */
  function runCli(args: string[], env: NodeJS.ProcessEnv, during?: (stdout: () => string, stop: () => void) => Promise<void>): Promise<{ out: string; code: number | null }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tunnel/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    return (async () => {
      try {
        if (during) await during(() => out, () => child.kill('SIGTERM'));
        const code = await exited;
        return { out, code };
      } finally {
        clearTimeout(killer);
        child.kill('SIGKILL');
      }
    })();
  }

  function leaks(out: string): string[] {
    const basic = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    const forms = [TOKEN, encodeURIComponent(TOKEN), PASSWORD, encodeURIComponent(PASSWORD), JSON.stringify(PASSWORD).slice(1, -1)];
    for (let i = 0; i + 12 <= basic.length; i += 4) forms.push(basic.slice(i, i + 12));
    return forms.filter((f) => out.includes(f));
  }

  it('a proxy refusing the password, and a session with page loads and sockets: neither token nor password is printed', { timeout: 120_000 }, async () => {
    const sim = await startSimulator({ name: 'agent-CLI' });
    const certDir = mkdtempSync(join(tmpdir(), 'dcv-rel-cli-'));
    const proxy = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const proxyPort = (proxy.address() as { port: number }).port;
    const target = `https://127.0.0.1:${sim.port}/?authToken=${TOKEN}#session-1`;
    try {
      // 1. Through a proxy that refuses the password: a startup failure, as JSON and as text.
      const refused = await runCli(['--target', target, '--pin', sim.fingerprint, '--proxy', `http://alice@127.0.0.1:${proxyPort}`, '--json', '--cert-dir', certDir], {
        DCV_TUNNEL_PROXY_PASSWORD: PASSWORD,
      });
      expect(refused.code).toBe(1);
      expect(refused.out).toContain('PROXY_AUTH_REQUIRED');
      expect(leaks(refused.out)).toEqual([]);

      // 2. Direct: the page loads with the token in its URL, signs in, opens a socket, then the tunnel stops.
      const session = await runCli(['--target', target, '--pin', sim.fingerprint, '--proxy', 'direct', '--cert-dir', certDir], {}, async (stdout, stop) => {
        const deadline = Date.now() + 60_000;
        while (!/ready: open (\S+)/.test(stdout())) {
          if (Date.now() > deadline) throw new Error(`no ready line: ${stdout()}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const launchUrl = /ready: open (\S+)/.exec(stdout())![1];
        const { client, location } = await LaunchClient.signIn(launchUrl, certDir);
        expect(location).toContain(TOKEN);
        expect((await client.get(location.split('#')[0])).status).toBe(200);
        const ch = await client.channel('echo');
        await ch.echo(Buffer.from('hello'));
        await ch.close();
        // An upstream failure is logged too: the desktop goes away under the next request.
        await sim.close();
        expect((await client.get(location.split('#')[0])).status).toBe(502);
        await new Promise((r) => setTimeout(r, 300));
        stop();
      });
      expect(session.out).toMatch(/open\s+websocket \/ws/);
      expect(session.out).toContain('TCP_REFUSED');
      expect(leaks(session.out)).toEqual([]);
      recordFigure(SUITE, {
        case: 'dcv-tunnel output (JSON and text): 407 startup failure, page loads with ?authToken=, a WebSocket, an upstream error',
        'Inputs tried': 2,
        Outcome: `held: token, password and any 12-character piece of the Basic credentials absent from ${refused.out.length + session.out.length} bytes of output`,
      });
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
      await sim.close();
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});
