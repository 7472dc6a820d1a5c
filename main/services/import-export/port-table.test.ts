import { describe, expect, it } from 'vitest';
import { validateCatalogue } from '../store/document';
import { sampleCatalogue, sequentialIds } from '../store/fixtures';
import { applyPlan } from './plan';
import { parsePortTable, planPortTableImport } from './port-table';

describe('parsePortTable', () => {
  it.each([
    ['50001 agent1 10.150.248.180', { port: 50001, agent: 'agent1', address: '10.150.248.180' }],
    ['60000,agent2', { port: 60000, agent: 'agent2' }],
    ['50001 -> agent1:8443', { port: 50001, agent: 'agent1', agentPort: 8443 }],
    ['50001 => 10.150.248.180:8443', { port: 50001, address: '10.150.248.180', agentPort: 8443 }],
    ['50001\tagent1\t10.150.248.180', { port: 50001, agent: 'agent1', address: '10.150.248.180' }],
    ['"50001","agent1","10.150.248.180"', { port: 50001, agent: 'agent1', address: '10.150.248.180' }],
    ['TCP:60000 | agent2 | 10.150.248.136', { port: 60000, agent: 'agent2', address: '10.150.248.136' }],
    ['8443/tcp gateway   # the connection gateway', { port: 8443, agent: 'gateway' }],
    ['  60000  ', { port: 60000 }],
  ])('reads %j', (line, row) => {
    const { rows, warnings } = parsePortTable(line);
    expect(warnings).toEqual([]);
    expect(rows).toEqual([{ line: 1, ...row }]);
  });

  it('skips headers, comments and blank lines; warns about bad rows by line and keeps going', () => {
    const text = [
      'port,agent,ip', // 1 header
      '# NLB listeners', // 2
      '', // 3
      '50001,agent1,10.150.248.180', // 4
      '; old', // 5
      '70000,agent9', // 6 bad port
      '22,bastion', // 7 ssh
      '50002 -> agent1:22', // 8 ssh by target port
      '60001 agent2 ssh', // 9 ssh by word
      'agent3 50003', // 10 no port first
      '50001,agent1-dup', // 11 duplicate
      '60000\tagent2\t10.150.248.136', // 12
      '65536 x', // 13
      '0 x', // 14
      '5000 agent:99999', // 15
    ].join('\r\n');
    const { rows, warnings } = parsePortTable(text);
    expect(rows.map((r) => [r.line, r.port, r.agent])).toEqual([
      [4, 50001, 'agent1'],
      [12, 60000, 'agent2'],
    ]);
    expect(warnings).toEqual([
      'line 6 skipped: port 70000 is not 1–65535',
      'line 7 skipped: port 22 is SSH, not a DCV desktop',
      'line 8 skipped: port 50002 is SSH, not a DCV desktop',
      'line 9 skipped: port 60001 is SSH, not a DCV desktop',
      'line 10 skipped: it does not start with a port number',
      'line 11 skipped: port 50001 is already on line 4',
      'line 13 skipped: port 65536 is not 1–65535',
      'line 14 skipped: port 0 is not 1–65535',
      'line 15 skipped: target port 99999 is not 1–65535',
    ]);
  });

  it('says when nothing usable was found', () => {
    expect(parsePortTable('hello\nworld').warnings).toEqual(['line 2 skipped: it does not start with a port number', 'no rows with a listener port were found']);
    expect(parsePortTable('').rows).toEqual([]);
  });
});

describe('planPortTableImport', () => {
  it('makes one port-mapped desktop per row, named after the agent, skipping ports already there', () => {
    const text = '50001 agent1 10.150.248.180\n50005 -> agent5:8443\n60010\n';
    const planned = planPortTableImport(text, sampleCatalogue(), 'ep1', sequentialIds('n'));
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(planned.plan.preview.desktops.map((d) => [d.name, d.endpointId, d.route, d.notes])).toEqual([
      ['agent5', 'ep1', { kind: 'port', port: 50005 }, 'NLB port 50005 → agent5:8443'],
      ['port 60010', 'ep1', { kind: 'port', port: 60010 }, 'NLB port 60010'],
    ]);
    expect(planned.plan.preview.warnings).toEqual(['line 1 skipped: port 50001 is already "agent1"']);
    expect(validateCatalogue(applyPlan(sampleCatalogue(), planned.plan)).ok).toBe(true);
  });

  it('names the endpoint field when the endpoint is missing or unknown', () => {
    expect(planPortTableImport('50001 a', sampleCatalogue(), undefined, sequentialIds())).toMatchObject({ ok: false, fields: { endpointId: expect.any(String) } });
    expect(planPortTableImport('50001 a', sampleCatalogue(), 'nope', sequentialIds())).toMatchObject({ ok: false, message: 'no endpoint "nope"' });
  });
});
