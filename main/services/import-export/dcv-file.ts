/**
 * DCV Viewer connection files (`.dcv`): an INI text with `[version] format=1.0` and a
 * `[connect]` group (host, port, weburlpath, sessionid, authtoken, proxytype, …).
 * Read leniently (CRLF, `#`/`;` comments, spaces around `=`, any case for names) with
 * line-numbered errors; written for DCV Viewer to reach a desktop through the launcher's tunnel.
 */
import type { Desktop } from '../../../preload/contract/model';
import { readConnectFields, type DcvRead, type RawField } from './dcv-connect';

export function parseDcvFile(text: string): DcvRead {
  const errors: string[] = [];
  const warnings: string[] = [];
  const sections = new Map<string, Map<string, RawField>>();
  let section: Map<string, RawField> | null = null;

  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((raw, index) => {
      const where = `line ${index + 1}`;
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
      const header = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
      if (header) {
        const name = header[1].toLowerCase();
        if (name === '') return void errors.push(`${where}: empty section name "[]"`);
        section = sections.get(name) ?? new Map();
        sections.set(name, section);
        return;
      }
      const eq = line.indexOf('=');
      // The line is not echoed: it may hold a token or a password.
      if (eq <= 0) return void errors.push(`${where}: expected "name=value", a [section] or a comment`);
      const key = line.slice(0, eq).trim().toLowerCase();
      if (section === null) return void errors.push(`${where}: "${key}" comes before any [section]`);
      let value = line.slice(eq + 1).trim();
      if (value.length >= 2 && value[0] === '"' && value.endsWith('"')) value = value.slice(1, -1);
      const earlier = section.get(key);
      if (earlier) warnings.push(`${where}: ${key} is set again (first on ${earlier.where}); the last value wins`);
      section.set(key, { value, where });
    });

  const version = sections.get('version');
  const format = version?.get('format');
  if (!format) warnings.push('no [version] format=1.0 at the top (DCV Viewer refuses such a file); read as format 1.0');
  else if (format.value !== '1.0') warnings.push(`${format.where}: format ${format.value.slice(0, 20)} is not 1.0; read as 1.0`);

  const connect = sections.get('connect');
  if (!connect) errors.push('no [connect] section: this is not a DCV connection file');
  if (errors.length > 0) return { ok: false, errors };

  const read = readConnectFields(connect!, '[connect]');
  if (!read.ok) return read;
  return { ...read, warnings: [...warnings, ...read.warnings] };
}

export interface DcvTunnelExport {
  desktop: Desktop;
  /** The port of the desktop's running tunnel on 127.0.0.1. */
  tunnelPort: number;
  /** For a gateway desktop the route's session id is used when this is absent. */
  sessionId?: string;
  authToken?: string;
  /** SHA-256 of the tunnel's certificate, written as a comment so the user can compare it with the viewer's prompt. */
  tunnelCertificateFingerprint?: string;
  /**
   * 'ask-user' (default): the viewer shows the tunnel's certificate and asks once.
   * 'strict': only when the launcher's localhost certificate is trusted by the OS.
   * 'accept-untrusted' is deliberately not offered: any process that grabs the port after the
   * tunnel closes could then pose as the desktop and receive the token.
   */
  certificateValidationPolicy?: 'ask-user' | 'strict';
}

const oneLine = (s: string) => s.replace(/[\x00-\x1f\x7f]+/g, ' ');

/** A `.dcv` file that points DCV Viewer at the desktop's running tunnel (host 127.0.0.1). */
export function exportDcvForTunnel(options: DcvTunnelExport): { fileName: string; text: string } {
  const { desktop, tunnelPort } = options;
  if (!Number.isInteger(tunnelPort) || tunnelPort < 1 || tunnelPort > 65535) throw new Error(`tunnel port ${tunnelPort} must be 1–65535`);
  const sessionId = options.sessionId ?? (desktop.route.kind === 'gateway' ? desktop.route.sessionId : undefined);
  for (const [name, value] of [['sessionId', sessionId], ['authToken', options.authToken]] as const) {
    if (value !== undefined && !/^[\x21-\x7e]{1,4096}$/.test(value)) throw new Error(`${name} must be printable characters without spaces or line breaks`);
  }
  const lines = [
    '[version]',
    'format=1.0',
    '',
    `# DCV Viewer connection for "${oneLine(desktop.name)}", written by DCV Launcher.`,
    `# It reaches the desktop through the launcher's local tunnel, so it works only while`,
    `# the desktop is open in the launcher. The tunnel shows the launcher's own certificate:`,
    options.tunnelCertificateFingerprint
      ? `# when the viewer asks, check it is SHA-256 ${oneLine(options.tunnelCertificateFingerprint)}`
      : `# when the viewer asks, compare it with the one the launcher shows for this connection.`,
    '[connect]',
    'host=127.0.0.1',
    `port=${tunnelPort}`,
    `weburlpath=${desktop.webUrlPath}`,
    ...(sessionId ? [`sessionid=${sessionId}`] : []),
    ...(options.authToken ? [`authtoken=${options.authToken}`] : []),
    // The tunnel is on this machine: a system proxy must not be asked to reach 127.0.0.1.
    'proxytype=NONE',
    `certificatevalidationpolicy=${options.certificateValidationPolicy ?? 'ask-user'}`,
    '',
  ];
  return { fileName: `${safeFileName(desktop.name)}.dcv`, text: lines.join('\n') };
}

export function safeFileName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80) || 'desktop';
}
