/**
 * An NLB port table pasted as text or CSV: one listener port per line and the agent behind it.
 *   50001 agent1 10.150.248.180
 *   60000,agent2
 *   50001 -> agent1:8443
 *   "TCP:60000"	agent2	10.150.248.136
 * Tab, comma, "|" or spaces separate fields; `#`, `;` and `//` start comments; a first line
 * that does not start with a port is a header. Every usable row becomes a port-mapped desktop
 * on one endpoint; a bad row is skipped (counted, the first few shown with their line and
 * reason), never a failure of the whole table.
 */
import { Desktop, isIPv4, type Catalogue } from '../../../preload/contract/model';
import type { Message } from '../../../tunnel/messages';
import { parsePort } from './dcv-connect';
import { english, note } from './notes';
import { buildPlan, failed, findSameDesktop, idAllocator, SkippedLines, type PlanResult } from './plan';

export interface PortRow {
  line: number;
  port: number;
  agent?: string;
  address?: string;
  agentPort?: number;
}

export interface PortTable {
  rows: PortRow[];
  /** Lines with a problem: counted, the first few kept as examples (`import.ports.skipped`). */
  skipped: SkippedLines;
  /** `import.ports.noRows` when nothing usable was found. */
  notes: Message[];
}

const PORT_FIELD = /^(?:tcp[:/])?(\d+)(?:\/tcp)?$/i;
const SSH_PORT = 22;

export function parsePortTable(text: string): PortTable {
  const rows: PortRow[] = [];
  const skipped = new SkippedLines();
  const notes: Message[] = [];
  const seen = new Map<number, number>();
  let sawData = false;

  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = index + 1;
    const skip = (problem: Message) => skipped.add(line, problem);
    const content = raw.replace(/(^|\s)(#|\/\/).*$/, '').trim();
    if (content === '' || content.startsWith(';')) return;
    const fields = content
      .replace(/->|=>|→/g, ' ')
      .split(/[\s,|]+/)
      .map((f) => f.replace(/^["']|["']$/g, ''))
      .filter(Boolean);
    const portMatch = PORT_FIELD.exec(fields[0] ?? '');
    const firstLine = !sawData;
    sawData = true;
    if (!portMatch) {
      // A first line without numbers is a header ("port,agent,ip"); any other is a mistake.
      if (!(firstLine && !/\d{2,}/.test(content))) skip(note('import.problem.noPort'));
      return;
    }
    const port = parsePort(portMatch[1]);
    if (port === null) return skip(note('import.problem.portRange', { port: portMatch[1].slice(0, 12) }));

    const row: PortRow = { line, port };
    for (const field of fields.slice(1)) {
      const [name, suffix] = splitHostPort(field);
      if (suffix !== undefined) {
        const agentPort = parsePort(suffix);
        if (agentPort === null) return skip(note('import.problem.targetPortRange', { port: suffix.slice(0, 12) }));
        row.agentPort = agentPort;
      }
      if (isIPv4(name) && row.address === undefined) row.address = name;
      else if (row.agent === undefined && !isIPv4(name)) row.agent = name;
    }
    const ssh = port === SSH_PORT || row.agentPort === SSH_PORT || fields.slice(1).some((f) => /^ssh$/i.test(f));
    if (ssh) return skip(note('import.problem.ssh', { port }));
    const earlier = seen.get(port);
    if (earlier !== undefined) return skip(note('import.problem.portRepeated', { port, first: earlier }));
    seen.set(port, line);
    rows.push(row);
  });
  if (rows.length === 0) notes.push(note('import.ports.noRows'));
  return { rows, skipped, notes };
}

/** "agent1:8443" → ["agent1", "8443"]; "agent1" → ["agent1", undefined]. */
function splitHostPort(field: string): [string, string | undefined] {
  const m = /^(.*):(\d+)$/.exec(field);
  return m && !m[1].includes(':') ? [m[1], m[2]] : [field, undefined];
}

/**
 * What a row says beyond the desktop's name and route, in no language: the row itself,
 * normalized ("50001 → agent1 10.150.248.180:8443"); nothing when the name and the route say it all.
 */
function rowFacts(row: PortRow, name: string): string {
  const extra = (row.address !== undefined && row.address !== name) || row.agentPort !== undefined;
  if (!extra) return '';
  const target = [row.agent, row.address].filter(Boolean).join(' ') + (row.agentPort ? `:${row.agentPort}` : '');
  return `${row.port} → ${target}`;
}

export function planPortTableImport(text: string, current: Catalogue, endpointId: string | undefined, newId: () => string): PlanResult {
  const endpoint = current.endpoints.find((e) => e.id === endpointId);
  if (!endpoint) {
    const problem = endpointId ? note('import.ports.endpointUnknown', { id: endpointId }) : note('import.ports.endpointMissing');
    return failed([problem], { endpointId: english(problem) });
  }
  const { rows, skipped, notes } = parsePortTable(text);
  const takeId = idAllocator(current, newId);
  const hostLabel = isIPv4(endpoint.host) || endpoint.host.includes(':') ? endpoint.host : endpoint.host.split('.')[0];
  const desktops: Desktop[] = [];
  for (const row of rows) {
    const route = { kind: 'port' as const, port: row.port };
    const same = findSameDesktop(current.desktops, { endpointId: endpoint.id, route, webUrlPath: '/' });
    if (same) {
      skipped.add(row.line, note('import.problem.portExists', { port: row.port, name: same.name }));
      continue;
    }
    // Named after the agent, else its address, else the endpoint and port: never words.
    const name = (row.agent ?? row.address ?? `${hostLabel}:${row.port}`).slice(0, 120);
    const parsed = Desktop.safeParse({ id: takeId(), name, endpointId: endpoint.id, route, notes: rowFacts(row, name) });
    if (!parsed.success) {
      skipped.add(row.line, note('import.problem.notADesktop', { field: parsed.error.issues[0].path.map(String).join('.') }));
      continue;
    }
    desktops.push(parsed.data);
  }
  return { ok: true, plan: buildPlan('ports', { desktops, notes, skipped: skipped.summary }) };
}
