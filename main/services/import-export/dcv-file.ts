/**
 * DCV Viewer connection files (`.dcv`): an INI text with `[version] format=1.0` and a
 * `[connect]` group (host, port, weburlpath, sessionid, authtoken, proxytype, …).
 * Read leniently (CRLF, `#`/`;` comments, spaces around `=`, any case for names) with
 * line-numbered errors; written for DCV Viewer to reach a desktop through the launcher's tunnel.
 */
import type { Message } from '../../../tunnel/messages';
import { dcvRead, readConnectFields, type DcvRead, type RawField } from './dcv-connect';
import { located, note } from './notes';

export function parseDcvFile(text: string): DcvRead {
  const problems: Message[] = [];
  const notes: Message[] = [];
  const sections = new Map<string, Map<string, RawField>>();
  let section: Map<string, RawField> | null = null;

  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((raw, index) => {
      const at = { line: index + 1 };
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
      const header = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
      if (header) {
        const name = header[1].toLowerCase();
        if (name === '') return void problems.push(located(at, note('import.problem.emptySection')));
        section = sections.get(name) ?? new Map();
        sections.set(name, section);
        return;
      }
      const eq = line.indexOf('=');
      // The line is not echoed: it may hold a token or a password.
      if (eq <= 0) return void problems.push(located(at, note('import.problem.notKeyValue')));
      const key = line.slice(0, eq).trim().toLowerCase();
      if (section === null) return void problems.push(located(at, note('import.problem.beforeSection', { key: key.slice(0, 40) })));
      let value = line.slice(eq + 1).trim();
      if (value.length >= 2 && value[0] === '"' && value.endsWith('"')) value = value.slice(1, -1);
      const earlier = section.get(key);
      if (earlier && 'line' in earlier.at) notes.push(note('import.dcv.keyRepeated', { line: at.line, key: key.slice(0, 40), first: earlier.at.line }));
      section.set(key, { value, at });
    });

  const version = sections.get('version');
  const format = version?.get('format');
  if (!format) notes.push(note('import.file.noVersion'));
  else if (format.value !== '1.0' && 'line' in format.at) notes.push(note('import.dcv.formatUnknown', { line: format.at.line, value: format.value.slice(0, 20) }));

  const connect = sections.get('connect');
  if (!connect) problems.push(located({ whole: 'file' }, note('import.problem.noConnect')));
  if (problems.length > 0) return dcvRead({ ok: false, problems });

  const read = readConnectFields(connect!, { whole: 'file' });
  if (!read.ok) return read;
  return dcvRead({ ok: true, connect: read.connect, notes: [...notes, ...read.notes] });
}

export interface DcvTunnelExport {
  /** The desktop's (or session's) name: the file's name and a comment. */
  name: string;
  /** Where the DCV page is in the tunnel's path space ("/" or "/dcv/"). */
  webUrlPath: string;
  /** The port of the desktop's running tunnel on 127.0.0.1. */
  tunnelPort: number;
  /** A gateway desktop's or Session Manager session's id. */
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
  const { name, tunnelPort } = options;
  if (!Number.isInteger(tunnelPort) || tunnelPort < 1 || tunnelPort > 65535) throw new Error(`tunnel port ${tunnelPort} must be 1–65535`);
  const sessionId = options.sessionId;
  for (const [name, value] of [['sessionId', sessionId], ['authToken', options.authToken]] as const) {
    if (value !== undefined && !/^[\x21-\x7e]{1,4096}$/.test(value)) throw new Error(`${name} must be printable characters without spaces or line breaks`);
  }
  const lines = [
    '[version]',
    'format=1.0',
    '',
    `# DCV Viewer connection for "${oneLine(name)}", written by DCV Launcher.`,
    `# It reaches the desktop through the launcher's local tunnel, so it works only while`,
    `# the desktop is open in the launcher. The tunnel shows the launcher's own certificate:`,
    options.tunnelCertificateFingerprint
      ? `# when the viewer asks, check it is SHA-256 ${oneLine(options.tunnelCertificateFingerprint)}`
      : `# when the viewer asks, compare it with the one the launcher shows for this connection.`,
    '[connect]',
    'host=127.0.0.1',
    `port=${tunnelPort}`,
    `weburlpath=${options.webUrlPath}`,
    ...(sessionId ? [`sessionid=${sessionId}`] : []),
    ...(options.authToken ? [`authtoken=${options.authToken}`] : []),
    // The tunnel is on this machine: a system proxy must not be asked to reach 127.0.0.1.
    'proxytype=NONE',
    `certificatevalidationpolicy=${options.certificateValidationPolicy ?? 'ask-user'}`,
    '',
  ];
  return { fileName: `${safeFileName(name)}.dcv`, text: lines.join('\n') };
}

export function safeFileName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80) || 'desktop';
}
