/**
 * Real nginx as a child process, with its own config in a temp dir:
 *  - startNginxRouter: the field's path router (https://gw/<agentIP>/… → https://<agentIP>:port/…,
 *    unprefixed paths to a default agent, query string lost on the prefixed route, as in the field);
 *  - startNginxReverseProxy: a plain TLS reverse proxy to one agent (the benchmark's reference).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintOf, makeSelfSignedCert } from '../sim/cert';
import { findBinary } from './binaries';
import { childPids, freePort, makeTempDir, removeDir, spawnPeer, tail, waitForPort } from './process';

export interface AgentAddress {
  ip: string;
  port: number;
}

interface CommonOptions {
  /** Default '127.0.0.1'. */
  listenHost?: string;
  /** Default 1. */
  workerProcesses?: number;
  /** `listen … ssl http2` like the field; default true. */
  http2?: boolean;
}

export interface RouterOptions extends CommonOptions {
  agents: AgentAddress[];
  defaultAgent: AgentAddress;
}

export interface ReverseProxyOptions extends CommonOptions {
  upstream: { host: string; port: number };
  /** Idle keepalive connections nginx keeps to the upstream; default 32. */
  upstreamKeepalive?: number;
}

export interface NginxPeer {
  /** https://listenHost:port/ */
  url: string;
  host: string;
  port: number;
  certPem: string;
  fingerprint: string;
  masterPid: number;
  /** Current worker PIDs (children of the master), for CPU time from /proc. */
  workerPids(): number[];
  /** All of them: master first. */
  pids(): number[];
  dir: string;
  errorLog(): string;
  close(): Promise<void>;
}

const LOOPBACK_AGENT = /^127\.0\.0\.\d{1,3}$/;

function checkAgent(a: AgentAddress, what: string): void {
  if (!LOOPBACK_AGENT.test(a.ip)) throw new Error(`nginx router: ${what} ${a.ip} is not a 127.0.0.x address; tests only reach loopback`);
  if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) throw new Error(`nginx router: ${what} port ${a.port} is not a port`);
}

/** The parts every config here shares: everything nginx writes stays inside `dir`. */
function mainConfig(dir: string, workers: number, http: string): string {
  const asRoot = process.getuid?.() === 0;
  return `# written by test/peers/nginx.ts
daemon off;
master_process on;
${asRoot ? 'user root;' : ''}
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 4096; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 0;
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
${http}
}
`;
}

function serverHead(listenHost: string, port: number, dir: string, http2: boolean): string {
  return `    listen ${listenHost}:${port} ssl${http2 ? ' http2' : ''};
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Host $http_host;
    proxy_ssl_verify off;
    proxy_read_timeout 3600s;
    proxy_send_timeout 3600s;`;
}

export function routerHttpBlock(o: { listenHost: string; port: number; dir: string; http2: boolean; agents: AgentAddress[]; defaultAgent: AgentAddress }): string {
  // Agents may listen on different ports here (in the field they all use 8443): map IP → port.
  // An unknown 127.0.0.x gets the first agent's port, so it fails like an unhealthy agent (502).
  const ports = o.agents.map((a) => `    ${a.ip} ${a.port};`).join('\n');
  return `  map $agent_ip $agent_port {
    default ${o.agents[0]?.port ?? o.defaultAgent.port};
${ports}
  }
  server {
${serverHead(o.listenHost, o.port, o.dir, o.http2)}
    # The field's router. proxy_pass with variables and a URI passes no query string.
    location ~ "^/(?<agent_ip>[0-9]{1,3}(\\.[0-9]{1,3}){3})(?<agent_path>/.*)$" {
      if ($agent_ip !~ "^127\\.0\\.0\\.[0-9]{1,3}$") { return 403; }
      proxy_pass https://$agent_ip:$agent_port$agent_path;
    }
    location / {
      proxy_pass https://${o.defaultAgent.ip}:${o.defaultAgent.port};
    }
  }`;
}

export function reverseProxyHttpBlock(o: { listenHost: string; port: number; dir: string; http2: boolean; upstream: { host: string; port: number }; keepalive: number }): string {
  return `  upstream agent {
    server ${o.upstream.host}:${o.upstream.port};
    keepalive ${o.keepalive};
  }
  server {
${serverHead(o.listenHost, o.port, o.dir, o.http2)}
    location / {
      proxy_pass https://agent;
    }
  }`;
}

async function startNginx(
  kind: string,
  common: CommonOptions,
  httpBlock: (listenHost: string, port: number, dir: string, http2: boolean) => string,
): Promise<NginxPeer> {
  const nginx = findBinary('nginx');
  if (!nginx) throw new Error('nginx not found on PATH or in /usr/sbin (apt-get install nginx-light)');
  const listenHost = common.listenHost ?? '127.0.0.1';
  const workers = common.workerProcesses ?? 1;
  const http2 = common.http2 ?? true;
  const { key, cert } = makeSelfSignedCert({ cn: 'dcv-gateway' });
  let lastError: Error | undefined;
  // The free port can be taken between probing and nginx binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = makeTempDir(`nginx-${kind}`);
    writeFileSync(join(dir, 'cert.pem'), cert);
    writeFileSync(join(dir, 'key.pem'), key, { mode: 0o600 });
    const port = await freePort(listenHost);
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, mainConfig(dir, workers, httpBlock(listenHost, port, dir, http2)));
    const errorLog = join(dir, 'error.log');
    const peer = spawnPeer(nginx, ['-c', conf, '-p', dir, '-e', errorLog]);
    const describe = () => `nginx ${kind} (${conf}):\n${peer.output()}\n--- error.log ---\n${tail(errorLog)}`;
    try {
      await waitForPort(listenHost, port, { tls: true, peer, describe, timeoutMs: 30_000 });
    } catch (e) {
      await peer.stop('SIGKILL');
      removeDir(dir);
      lastError = e as Error;
      if (/Address already in use/.test(lastError.message)) continue;
      throw lastError;
    }
    const masterPid = peer.child.pid!;
    let closing: Promise<void> | undefined;
    return {
      url: `https://${listenHost}:${port}/`,
      host: listenHost,
      port,
      certPem: cert,
      fingerprint: fingerprintOf(cert),
      masterPid,
      workerPids: () => childPids(masterPid),
      pids: () => [masterPid, ...childPids(masterPid)],
      dir,
      errorLog: () => tail(errorLog, 200),
      close: () =>
        (closing ??= (async () => {
          // SIGTERM is nginx's fast shutdown: open WebSockets are cut, not drained.
          await peer.stop('SIGTERM');
          removeDir(dir);
        })()),
    };
  }
  throw lastError!;
}

export function startNginxRouter(opts: RouterOptions): Promise<NginxPeer> {
  if (!opts.agents?.length) throw new Error('startNginxRouter: give at least one agent');
  opts.agents.forEach((a) => checkAgent(a, 'agent'));
  checkAgent(opts.defaultAgent, 'defaultAgent');
  return startNginx('router', opts, (listenHost, port, dir, http2) =>
    routerHttpBlock({ listenHost, port, dir, http2, agents: opts.agents, defaultAgent: opts.defaultAgent }),
  );
}

export function startNginxReverseProxy(opts: ReverseProxyOptions): Promise<NginxPeer> {
  const { host, port } = opts.upstream;
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`startNginxReverseProxy: upstream ${host} is not a loopback address`);
  return startNginx('reverse', opts, (listenHost, p, dir, http2) =>
    reverseProxyHttpBlock({ listenHost, port: p, dir, http2, upstream: { host, port }, keepalive: opts.upstreamKeepalive ?? 32 }),
  );
}
