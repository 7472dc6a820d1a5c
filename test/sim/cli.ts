/**
 * Runs one simulated DCV server until SIGINT/SIGTERM.
 *   node dist/sim.mjs --host 127.0.0.2 --port 8443 --name agent-A [--web-url-path /] [--mode normal]
 * Prints one JSON line: {"event":"ready","url":…,"fingerprint":…}.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSimulator } from './simulator';

const MODES = ['normal', 'verifier', 'gateway'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      name: { type: 'string', default: 'agent' },
      'web-url-path': { type: 'string', default: '/' },
      mode: { type: 'string', default: 'normal' },
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
  const mode = values.mode as (typeof MODES)[number];
  if (!MODES.includes(mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}, got ${values.mode}`);
  if (Boolean(values['cert-file']) !== Boolean(values['key-file'])) throw new Error('--cert-file and --key-file go together');
  const sim = await startSimulator({
    host: values.host,
    port,
    name: values.name,
    webUrlPath: values['web-url-path'],
    mode,
    hostRegex: values['host-regex'],
    originRegex: values['origin-regex'],
    keepaliveMs: values['keepalive-ms'] ? Number(values['keepalive-ms']) : undefined,
    cert: values['cert-file'] ? { cert: readFileSync(values['cert-file'], 'utf8'), key: readFileSync(values['key-file']!, 'utf8') } : undefined,
  });
  const { url, host, name, fingerprint, fingerprintHex, certPem } = sim;
  console.log(JSON.stringify({ event: 'ready', url, host, port: sim.port, name, mode, fingerprint, fingerprintHex, certPem }));
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(`sim: ${e.message}`);
  process.exit(2);
});
