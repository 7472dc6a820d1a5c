/**
 * An NLB port table pasted as text or CSV: one listener port per line and the agent behind it.
 *   50001 agent1 10.150.248.180
 *   60000,agent2
 *   50001 -> agent1:8443
 *   "TCP:60000"	agent2	10.150.248.136
 * Tab, comma, "|" or spaces separate fields; `#`, `;` and `//` start comments; a first line
 * that does not start with a port is a header. Every usable row becomes a port-mapped desktop
 * on one endpoint; a bad row is a warning naming its line, never a failure of the whole table.
 */
import { Desktop, isIPv4, type Catalogue } from '../../../preload/contract/model';
import { parsePort } from './dcv-connect';
import { findSameDesktop, idAllocator, type PlanResult } from './plan';

export interface PortRow {
  line: number;
  port: number;
  agent?: string;
  address?: string;
  agentPort?: number;
}

const PORT_FIELD = /^(?:tcp[:/])?(\d+)(?:\/tcp)?$/i;
const SSH_PORT = 22;

export function parsePortTable(text: string): { rows: PortRow[]; warnings: string[] } {
  const rows: PortRow[] = [];
  const warnings: string[] = [];
  const seen = new Map<number, number>();
  let sawData = false;

  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = index + 1;
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
      if (!(firstLine && !/\d{2,}/.test(content))) warnings.push(`line ${line} skipped: it does not start with a port number`);
      return;
    }
    const port = parsePort(portMatch[1]);
    if (port === null) return void warnings.push(`line ${line} skipped: port ${portMatch[1]} is not 1–65535`);

    const row: PortRow = { line, port };
    for (const field of fields.slice(1)) {
      const [name, suffix] = splitHostPort(field);
      if (suffix !== undefined) {
        const agentPort = parsePort(suffix);
        if (agentPort === null) return void warnings.push(`line ${line} skipped: target port ${suffix} is not 1–65535`);
        row.agentPort = agentPort;
      }
      if (isIPv4(name) && row.address === undefined) row.address = name;
      else if (row.agent === undefined && !isIPv4(name)) row.agent = name;
    }
    const ssh = port === SSH_PORT || row.agentPort === SSH_PORT || fields.slice(1).some((f) => /^ssh$/i.test(f));
    if (ssh) return void warnings.push(`line ${line} skipped: port ${port} is SSH, not a DCV desktop`);
    const earlier = seen.get(port);
    if (earlier !== undefined) return void warnings.push(`line ${line} skipped: port ${port} is already on line ${earlier}`);
    seen.set(port, line);
    rows.push(row);
  });
  if (rows.length === 0) warnings.push('no rows with a listener port were found');
  return { rows, warnings };
}

/** "agent1:8443" → ["agent1", "8443"]; "agent1" → ["agent1", undefined]. */
function splitHostPort(field: string): [string, string | undefined] {
  const m = /^(.*):(\d+)$/.exec(field);
  return m && !m[1].includes(':') ? [m[1], m[2]] : [field, undefined];
}

export function planPortTableImport(text: string, current: Catalogue, endpointId: string | undefined, newId: () => string): PlanResult {
  const endpoint = current.endpoints.find((e) => e.id === endpointId);
  if (!endpoint) {
    const message = endpointId ? `no endpoint "${endpointId}"` : 'choose the endpoint the ports belong to';
    return { ok: false, message, fields: { endpointId: message } };
  }
  const { rows, warnings } = parsePortTable(text);
  const takeId = idAllocator(current, newId);
  const desktops: Desktop[] = [];
  for (const row of rows) {
    const route = { kind: 'port' as const, port: row.port };
    const same = findSameDesktop(current.desktops, { endpointId: endpoint.id, route, webUrlPath: '/' });
    if (same) {
      warnings.push(`line ${row.line} skipped: port ${row.port} is already "${same.name}"`);
      continue;
    }
    const target = [row.agent, row.address].filter(Boolean).join(' ') + (row.agentPort ? `:${row.agentPort}` : '');
    const parsed = Desktop.safeParse({
      id: takeId(),
      name: (row.agent ?? row.address ?? `port ${row.port}`).slice(0, 120),
      endpointId: endpoint.id,
      route,
      notes: `NLB port ${row.port}${target ? ` → ${target}` : ''}`,
    });
    if (!parsed.success) {
      warnings.push(`line ${row.line} skipped: ${parsed.error.issues[0].path.join('.')} ${parsed.error.issues[0].message}`);
      continue;
    }
    desktops.push(parsed.data);
  }
  return { ok: true, plan: { preview: { format: 'ports', endpoints: [], desktops, profiles: [], warnings }, tokens: {} } };
}
