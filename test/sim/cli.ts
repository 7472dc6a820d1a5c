/**
 * Runs one simulated DCV server until SIGINT/SIGTERM.
 *   node dist/sim.mjs --host 127.0.0.2 --port 8443 --name agent-A [--web-url-path /] [--mode normal]
 *     [--authentication none|system] [--user NAME:PASSWORD]… [--sessions console,other | --sessions ''] [--token SESSION:TOKEN]…
 *     [--auth-token-verifier URL [--auth-token-verifier-ca FILE]] [--max-connections N]
 * Prints one JSON line: {"event":"ready","url":…,"fingerprint":…}.
 * SIGUSR2 drops every connection (the port stays open) and prints {"event":"dropped","sockets":N,"at":EPOCH_MS}.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSimulator } from './simulator';

const MODES = ['normal', 'verifier', 'gateway'] as const;
const AUTHENTICATIONS = ['none', 'system'] as const;

/** 'a:b' → ['a', 'b'] (split at the first colon), for --user and --token. */
function pair(option: string, value: string): [string, string] {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new Error(`${option} must be NAME:VALUE, got '${value}'`);
  return [value.slice(0, colon), value.slice(colon + 1)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      name: { type: 'string', default: 'agent' },
      'web-url-path': { type: 'string', default: '/' },
      mode: { type: 'string' },
      authentication: { type: 'string', default: 'none' },
      user: { type: 'string', multiple: true, default: [] },
      sessions: { type: 'string' },
      token: { type: 'string', multiple: true, default: [] },
      'auth-token-verifier': { type: 'string' },
      'auth-token-verifier-ca': { type: 'string' },
      'max-connections': { type: 'string' },
      'host-regex': { type: 'string' },
      'origin-regex': { type: 'string' },
      'keepalive-ms': { type: 'string' },
      'cert-file': { type: 'string' },
      'key-file': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  const mode = values.mode as (typeof MODES)[number] | undefined;
  if (mode !== undefined && !MODES.includes(mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}, got ${values.mode}`);
  const authentication = values.authentication as (typeof AUTHENTICATIONS)[number];
  if (!AUTHENTICATIONS.includes(authentication)) throw new Error(`--authentication must be one of ${AUTHENTICATIONS.join(', ')}, got ${values.authentication}`);
  const users = Object.fromEntries(values.user.map((u) => pair('--user', u)));
  const tokens: Record<string, string[]> = {};
  for (const [session, token] of values.token.map((t) => pair('--token', t))) (tokens[session] ??= []).push(token);
  const sessions = values.sessions === undefined ? undefined : values.sessions.split(',').map((s) => s.trim()).filter(Boolean);
  const maxConnections = values['max-connections'] === undefined ? undefined : Number(values['max-connections']);
  if (maxConnections !== undefined && !(Number.isInteger(maxConnections) && maxConnections >= 0)) throw new Error(`--max-connections must be a whole number, got ${values['max-connections']}`);
  if (values['auth-token-verifier-ca'] && !values['auth-token-verifier']) throw new Error('--auth-token-verifier-ca needs --auth-token-verifier');
  const verifierUrl = values['auth-token-verifier'];
  if (Boolean(values['cert-file']) !== Boolean(values['key-file'])) throw new Error('--cert-file and --key-file go together');
  const sim = await startSimulator({
    host: values.host,
    port,
    name: values.name,
    webUrlPath: values['web-url-path'],
    mode,
    authentication,
    users,
    sessions,
    tokens,
    authTokenVerifier: verifierUrl ? { url: verifierUrl, ca: values['auth-token-verifier-ca'] ? readFileSync(values['auth-token-verifier-ca'], 'utf8') : undefined } : undefined,
    maxConnections,
    hostRegex: values['host-regex'],
    originRegex: values['origin-regex'],
    keepaliveMs: values['keepalive-ms'] ? Number(values['keepalive-ms']) : undefined,
    cert: values['cert-file'] ? { cert: readFileSync(values['cert-file'], 'utf8'), key: readFileSync(values['key-file']!, 'utf8') } : undefined,
  });
  const { url, host, name, fingerprint, fingerprintHex, certPem } = sim;
  console.log(JSON.stringify({ event: 'ready', url, host, port: sim.port, name, mode: mode ?? (verifierUrl ? 'verifier' : 'normal'), authentication, fingerprint, fingerprintHex, certPem }));
  process.on('SIGUSR2', () => {
    const at = performance.timeOrigin + performance.now();
    console.log(JSON.stringify({ event: 'dropped', sockets: sim.dropConnections(), at }));
  });
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(`sim: ${e.message}`);
  process.exit(2);
});
