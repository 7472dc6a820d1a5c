/**
 * The doctor's words as data, checked the way the app's renderer will use them: a dictionary
 * keyed by every summary code (a Record over SummaryCode, so a code without an entry does not
 * compile) that reads only params, and advice whose facts alone give back the English hint.
 * Every diagnosis the doctor tests produce goes through checkMessagesAsData().
 */
import { expect } from 'vitest';
import { ADVICE_CODES, hintFor } from '../../tunnel/doctor-hints';
import { SUMMARY_CODES, type SummaryCode } from '../../tunnel/doctor-summary';
import type { MessageParam } from '../../tunnel/messages';
import type { Diagnosis } from '../../tunnel/types';

type P = Record<string, MessageParam>;

/** A param the line needs: missing means the renderer could not word the line. */
function need(p: P, name: string): string {
  if (!(name in p)) throw new Error(`missing param "${name}" in ${JSON.stringify(p)}`);
  const v = p[name];
  return Array.isArray(v) ? v.join(', ') : String(v);
}
/** A param the line may show (null or absent: left out). */
const may = (p: P, name: string) => (p[name] === undefined || p[name] === null ? '' : need(p, name));
/** A flattened reason message (`because` + `because.*`): its code and params, as a renderer would rebuild it. */
function nested(p: P, key: string): string {
  need(p, key);
  if (p[key] === null) return '';
  const params = Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith(`${key}.`)));
  return `${String(p[key])}${JSON.stringify(params)}`;
}

/** A stand-in for the renderer's dictionary: every code, worded from params only. */
const DICTIONARY: Record<SummaryCode, (p: P) => string> = {
  'summary.skip.earlierFailed': () => 'skipped: an earlier step failed',
  'summary.skip.pageFailed': () => 'skipped: the page did not load',
  'summary.skip.notNeeded': () => 'not needed',
  'summary.skip.partOfFailedStep': (p) => `part of ${need(p, 'step')}`,
  'summary.skip.noAuthorization': () => 'no token needed',
  'summary.skip.notReached': () => 'not reached',
  'summary.failed': (p) => `failed: ${need(p, 'code')}`,
  'summary.dns': (p) => `${need(p, 'host')} → ${need(p, 'addresses')}`,
  'summary.dns.override': (p) => `${need(p, 'host')} → ${need(p, 'address')} (override)`,
  'summary.dns.ipLiteral': (p) => `${need(p, 'host')}: an address`,
  'summary.dns.proxyResolves': (p) => `${need(p, 'route')} resolves`,
  'summary.dns.failed': (p) => `${need(p, 'host')} does not resolve`,
  'summary.tcp': (p) => `${need(p, 'address')} ${may(p, 'proxy')}`,
  'summary.proxy.direct': (p) => `DIRECT ${nested(p, 'because')}`,
  'summary.proxy.plainBrowserDiffers': (p) => `DIRECT ${nested(p, 'because')}; browser ${need(p, 'plainBrowserRoute')} ${nested(p, 'plainBrowserBecause')}`,
  'summary.proxy.connect': (p) => `${need(p, 'proxy')} CONNECT ${may(p, 'connectTo')} ${may(p, 'status')} ${may(p, 'statusText')} ${may(p, 'proxyAuthenticate')} ${nested(p, 'because')}`,
  'summary.proxy.unreachable': (p) => `${need(p, 'proxy')} unreachable ${may(p, 'address')} ${nested(p, 'because')}`,
  'summary.proxy.noRoute': (p) => `no route to ${need(p, 'url')}`,
  'summary.tls': (p) => `${need(p, 'protocol')} ${need(p, 'cipher')} ${need(p, 'subject')} ${need(p, 'selfSigned')} ${need(p, 'validTo')} ${need(p, 'fingerprint')} ${need(p, 'pinMatched')}`,
  'summary.tls.refused': (p) => `${need(p, 'subject')} ${need(p, 'selfSigned')} ${need(p, 'validTo')} ${need(p, 'fingerprint')} ${may(p, 'pinned')}`,
  'summary.tls.handshakeFailed': (p) => `${need(p, 'host')}:${need(p, 'port')}`,
  'summary.http': (p) => `GET ${need(p, 'path')} → ${need(p, 'status')} ${need(p, 'statusText')} ${may(p, 'server')} ${need(p, 'hsts')}`,
  'summary.http.noAnswer': (p) => `GET ${need(p, 'path')}: no answer`,
  'summary.ws.upgrade': (p) => `${need(p, 'path')} → ${need(p, 'status')} ${need(p, 'statusText')} ${need(p, 'host')} ${need(p, 'origin')} ${may(p, 'location')}`,
  'summary.ws.badUpgrade': (p) => `${need(p, 'path')} ${need(p, 'acceptOk')} ${may(p, 'subprotocol')}`,
  'summary.ws.noAnswer': (p) => `${need(p, 'path')}: no answer`,
  'summary.ws.secondDial': (p) => `second connection: ${need(p, 'code')}`,
  'summary.ws.confirm': (p) => `${need(p, 'path')}: confirmed ${need(p, 'connectionId')} ${may(p, 'serverName')} ${may(p, 'serverVersion')}`,
  'summary.ws.abort': (p) => `${need(p, 'path')}: abort ${need(p, 'reason')}`,
  'summary.ws.closed': (p) => `${need(p, 'path')}: closed ${may(p, 'closeCode')} ${may(p, 'closeReason')}`,
  'summary.ws.authInit': (p) => `${need(p, 'path')}: ${need(p, 'mode')} ${need(p, 'mechanisms')}`,
  'summary.ws.authResult': (p) => `${need(p, 'path')}: ${need(p, 'mode')}, ${need(p, 'sessions')} sessions`,
  'summary.ws.unexpected': (p) => `${need(p, 'path')}: unexpected ${need(p, 'kind')}`,
  'summary.broker.token': (p) => `token for ${need(p, 'clientId')}`,
  'summary.broker.session': (p) =>
    `${need(p, 'sessionId')} ${need(p, 'name')} ${need(p, 'owner')} ${need(p, 'type')} ${need(p, 'state')} ${may(p, 'stateReason')} ${need(p, 'serverIp')} ${need(p, 'serverHostname')}`,
  'summary.broker.sessionNotFound': (p) => `no session ${need(p, 'sessionId')}`,
  'summary.broker.connection': (p) => `token for ${need(p, 'user')} on ${need(p, 'sessionId')}, ${need(p, 'tokenLength')} characters`,
  'summary.broker.error': (p) => `${need(p, 'operation')} ${may(p, 'status')}`,
  'summary.session.noRoute': (p) => `no route to ${need(p, 'serverIp')} ${need(p, 'serverHostname')}`,
};

const isParam = (v: unknown): boolean =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/**
 * Every step has a summary the dictionary words from its params alone; every warn and fail
 * step has one advice per code, in the order of its English hints, whose facts (plain JSON
 * data) give back exactly that English. Returns the worded lines, for a look in a test.
 */
export function checkMessagesAsData(d: Diagnosis, secrets: string[] = []): string[] {
  const lines: string[] = [];
  for (const s of d.steps) {
    const where = `${s.id} (${s.code})`;
    expect(s.summary, `${where} has a summary`).toBeDefined();
    const { code, params = {} } = s.summary!;
    expect(SUMMARY_CODES as readonly string[], where).toContain(code);
    for (const [k, v] of Object.entries(params)) expect(isParam(v), `${where}: param ${k} = ${JSON.stringify(v)}`).toBe(true);
    lines.push(`${s.id}: ${DICTIONARY[code as SummaryCode](params)}`);

    if (s.status === 'ok' || s.status === 'skip') {
      expect(s.advice ?? [], `${where}: no advice on a step that is ${s.status}`).toEqual([]);
      continue;
    }
    expect(s.advice?.length ?? 0, `${where} has advice`).toBeGreaterThan(0);
    const codes = s.advice!.map((a) => a.code);
    expect(codes[0], `${where}: the step's own code comes first`).toBe(s.code);
    if (s.status === 'warn' && s.detail.warningCodes) expect(codes).toEqual(s.detail.warningCodes);
    for (const a of s.advice!) {
      expect(ADVICE_CODES as readonly string[], `${where}: advice ${a.code}`).toContain(a.code);
      expect(JSON.parse(JSON.stringify(a)), `${where}: advice ${a.code} is plain data`).toEqual(a);
    }
    // The facts are enough: the English hint comes back from them alone.
    expect(s.advice!.map((a) => hintFor(a.code, a.facts)).join('\n'), where).toBe(s.hint);
  }
  // Steps are streamed to the UI as they are: no secret in any of them.
  const text = JSON.stringify(d);
  // Short test tokens ("T") would match anything: only real-looking ones are searched for.
  for (const secret of secrets.filter((x) => x.length >= 6)) expect(text.includes(secret), `the secret ${secret.slice(0, 3)}… is in the diagnosis`).toBe(false);
  return lines;
}
