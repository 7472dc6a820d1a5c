/**
 * The tunnel side of the benchmark, run in its own process (see children.ts):
 *  - runTunnelHost: N LocalTunnels in this one process, as the app runs one per open desktop;
 *  - runStartTiming: LocalTunnel.start timed with an empty certificate dir and with a cached one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalTunnel } from '../../tunnel/local-tunnel';

export interface TunnelHostConfig {
  count: number;
  upstream: { host: string; port: number };
  /** 'DIRECT' or 'PROXY 127.0.0.1:<port>'. */
  route: string;
  /** The simulator's certificate, pinned like the app pins an agent's. */
  fingerprint: string;
  certDir: string;
}

export interface TunnelHostReady {
  event: 'ready';
  pid: number;
  probeUrl: string;
  tunnels: { port: number; origin: string; launchUrl: string }[];
}

async function startOne(c: Pick<TunnelHostConfig, 'upstream' | 'route' | 'fingerprint'>, certDir: string): Promise<LocalTunnel> {
  // Loaded here, not at the top: the load generator imports this file's types only, never the tunnel.
  const { LocalTunnel } = await import('../../tunnel/local-tunnel');
  return LocalTunnel.start({
    upstream: { host: c.upstream.host, port: c.upstream.port, pathPrefix: '/' },
    route: c.route,
    trust: { kind: 'pin', fingerprints: [c.fingerprint] },
    certDir,
  });
}

export async function runTunnelHost(c: TunnelHostConfig): Promise<void> {
  if (!Number.isInteger(c.count) || c.count < 1) throw new Error(`tunnel host: count must be a positive integer, got ${c.count}`);
  const { startProbe } = await import('./probe');
  const probe = await startProbe();
  const tunnels: LocalTunnel[] = [];
  for (let i = 0; i < c.count; i++) tunnels.push(await startOne(c, c.certDir));
  const ready: TunnelHostReady = {
    event: 'ready',
    pid: process.pid,
    probeUrl: probe.url,
    tunnels: tunnels.map((t) => ({ port: t.port, origin: t.origin, launchUrl: t.createLaunchUrl() })),
  };
  console.log(JSON.stringify(ready));
  const stop = () => void Promise.all(tunnels.map((t) => t.close())).finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export interface StartTimingConfig {
  runs: number;
  upstream: { host: string; port: number };
  fingerprint: string;
}

export interface StartTimingReady {
  event: 'ready';
  /** ms per LocalTunnel.start with an empty certificate dir (the certificate is generated). */
  firstMs: number[];
  /** ms per LocalTunnel.start with the certificate already cached. */
  warmMs: number[];
}

async function timeStart(c: StartTimingConfig, certDir: string): Promise<number> {
  const t0 = performance.now();
  const tunnel = await startOne({ ...c, route: 'DIRECT' }, certDir);
  const ms = performance.now() - t0;
  await tunnel.close();
  return ms;
}

export async function runStartTiming(c: StartTimingConfig): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'dcv-bench-start-'));
  try {
    const firstMs: number[] = [];
    const warmMs: number[] = [];
    for (let i = 0; i < c.runs; i++) {
      const dir = join(base, `first-${i}`);
      firstMs.push(await timeStart(c, dir));
      warmMs.push(await timeStart(c, dir));
    }
    console.log(JSON.stringify({ event: 'ready', firstMs, warmMs } satisfies StartTimingReady));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

export interface TlsPipeConfig {
  upstream: { host: string; port: number };
  certDir: string;
}

export interface TlsPipeReady {
  event: 'ready';
  pid: number;
  url: string;
  probeUrl: string;
}

/**
 * The floor under the tunnel: the least a Node TLS proxy does. tls.createServer with the same
 * localhost certificate, and for every connection one tls.connect upstream, piped both ways;
 * no HTTP parsing, no checks, no pinning (it accepts any certificate). Nagle off on both
 * sides, as the tunnel and nginx have it.
 */
export async function runTlsPipe(c: TlsPipeConfig): Promise<void> {
  const { createServer, connect } = await import('node:tls');
  const { loadOrCreateLocalCertificate } = await import('../../tunnel/local-cert');
  const { startProbe } = await import('./probe');
  const probe = await startProbe();
  const cert = await loadOrCreateLocalCertificate(c.certDir);
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (client) => {
    client.setNoDelay(true);
    const upstream = connect({ host: c.upstream.host, port: c.upstream.port, servername: undefined, rejectUnauthorized: false });
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ event: 'ready', pid: process.pid, url: `https://127.0.0.1:${port}/`, probeUrl: probe.url } satisfies TlsPipeReady));
  const stop = () => void probe.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
