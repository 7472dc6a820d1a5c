/**
 * Real squid as a child process: a corporate forward proxy with Basic auth, a hosts_file
 * for private names, and stock squid's refusal of CONNECT to ports other than 443.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries';
import { freePort, makeTempDir, removeDir, spawnPeer, tail, waitForPort } from './process';

export interface SquidOptions {
  /** When given, every request needs Basic credentials (407 otherwise). */
  users?: { username: string; password: string }[];
  /** name → 127.0.0.x, written to squid's hosts_file. */
  hosts?: Record<string, string>;
  /** Ports CONNECT may reach; default [443] like stock squid. */
  sslPorts?: number[];
  /** Drop `http_access deny CONNECT !SSL_ports`. */
  allowAllConnectPorts?: boolean;
}

export interface SquidPeer {
  /** http://127.0.0.1:port */
  url: string;
  host: string;
  port: number;
  pid: number;
  dir: string;
  /** access.log lines so far. */
  accessLog(): string[];
  cacheLog(): string;
  close(): Promise<void>;
}

const NCSA_AUTH_CANDIDATES = ['/usr/lib/squid/basic_ncsa_auth', '/usr/lib/squid3/basic_ncsa_auth', '/usr/libexec/squid/basic_ncsa_auth', '/usr/lib64/squid/basic_ncsa_auth'];

function findNcsaAuth(): string {
  const found = NCSA_AUTH_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`squid: basic_ncsa_auth not found (looked in ${NCSA_AUTH_CANDIDATES.join(', ')})`);
  return found;
}

function checkPort(p: number): void {
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`squid: sslPorts entry ${p} is not a port`);
}

function squidConf(dir: string, port: number, opts: SquidOptions, ncsaAuth: string | undefined, user: string | undefined): string {
  const sslPorts = opts.sslPorts ?? [443];
  sslPorts.forEach(checkPort);
  const auth = ncsaAuth
    ? `auth_param basic program ${ncsaAuth} ${dir}/passwd
auth_param basic children 2 startup=1 idle=1
auth_param basic realm dcv-test-proxy
auth_param basic credentialsttl 1 minute
acl authenticated proxy_auth REQUIRED
`
    : '';
  return `# written by test/peers/squid.ts
http_port 127.0.0.1:${port}
${user ? `cache_effective_user ${user}` : ''}
pid_filename ${dir}/squid.pid
cache_log ${dir}/cache.log
access_log stdio:${dir}/access.log squid
cache_store_log none
coredump_dir ${dir}
netdb_filename none
pinger_enable off
cache deny all
cache_mem 8 MB
hosts_file ${dir}/hosts
dns_nameservers 127.0.0.1
dns_timeout 2 seconds
dns_retransmit_interval 1 seconds
shutdown_lifetime 0 seconds
visible_hostname dcv-test-proxy
forwarded_for delete
${auth}
acl SSL_ports port ${sslPorts.join(' ')}
acl Safe_ports port 80 443 1025-65535
acl CONNECT method CONNECT
http_access deny !Safe_ports
${opts.allowAllConnectPorts ? '' : 'http_access deny CONNECT !SSL_ports'}
${ncsaAuth ? 'http_access allow authenticated' : 'http_access allow localhost'}
http_access deny all
`;
}

export async function startSquid(opts: SquidOptions = {}): Promise<SquidPeer> {
  const squid = findBinary('squid');
  if (!squid) throw new Error('squid not found on PATH or in /usr/sbin (apt-get install squid)');
  for (const name of Object.keys(opts.hosts ?? {})) {
    const ip = opts.hosts![name];
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip)) throw new Error(`squid: hosts entry ${name} → ${ip} is not a loopback address`);
    if (!/^[A-Za-z0-9.-]+$/.test(name)) throw new Error(`squid: hosts entry name '${name}' is not a host name`);
  }
  const users = opts.users ?? [];
  const ncsaAuth = users.length ? findNcsaAuth() : undefined;
  const htpasswd = users.length ? findBinary('htpasswd') : undefined;
  if (users.length && !htpasswd) throw new Error('squid: htpasswd not found (apt-get install apache2-utils)');
  // As root squid drops to cache_effective_user; that user must own the temp dir to write its logs.
  const asRoot = process.getuid?.() === 0;
  const dropTo = asRoot ? 'proxy' : undefined;

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = makeTempDir('squid');
    const port = await freePort('127.0.0.1');
    const hosts = Object.entries(opts.hosts ?? {}).map(([name, ip]) => `${ip} ${name}\n`).join('');
    writeFileSync(join(dir, 'hosts'), `127.0.0.1 localhost\n${hosts}`);
    users.forEach((u, i) => {
      if (!u.username || u.username.includes(':')) throw new Error(`squid: user name '${u.username}' is empty or has ':'`);
      // -m: MD5 (apr1), which basic_ncsa_auth reads; -b: password from argv, so any character works.
      execFileSync(htpasswd!, [i === 0 ? '-bcm' : '-bm', join(dir, 'passwd'), u.username, u.password], { stdio: 'pipe' });
    });
    const conf = join(dir, 'squid.conf');
    writeFileSync(conf, squidConf(dir, port, opts, ncsaAuth, dropTo));
    if (dropTo) {
      const uid = Number(execFileSync('id', ['-u', dropTo]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', dropTo]).toString().trim());
      chownSync(dir, uid, gid);
      for (const f of ['hosts', 'squid.conf', ...(users.length ? ['passwd'] : [])]) chownSync(join(dir, f), uid, gid);
    }
    const cacheLog = join(dir, 'cache.log');
    // A distinct service name keeps parallel squids from sharing IPC names.
    const service = `dcvtest${process.pid}x${port}`;
    const peer = spawnPeer(squid, ['-N', '-n', service, '-f', conf]);
    const describe = () => `squid (${conf}, running as ${dropTo ?? userInfo().username}):\n${peer.output()}\n--- cache.log ---\n${tail(cacheLog)}`;
    try {
      await waitForPort('127.0.0.1', port, { peer, describe, timeoutMs: 45_000 });
    } catch (e) {
      await peer.stop('SIGKILL');
      lastError = e as Error;
      removeDir(dir);
      if (/Address already in use/.test(lastError.message)) continue;
      throw lastError;
    }
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      host: '127.0.0.1',
      port,
      pid: peer.child.pid!,
      dir,
      accessLog: () => {
        const file = join(dir, 'access.log');
        return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
      },
      cacheLog: () => tail(cacheLog, 200),
      close: () =>
        (closing ??= (async () => {
          // shutdown_lifetime 0: SIGTERM ends squid at once.
          await peer.stop('SIGTERM', 10_000);
          removeDir(dir);
        })()),
    };
  }
  throw lastError!;
}
