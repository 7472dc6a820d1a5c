import { describe, expect, it } from 'vitest';
import { validateCatalogue } from '../store/document';
import { sampleCatalogue, sequentialIds } from '../store/fixtures';
import { english } from './notes';
import { applyPlan } from './plan';
import { parsePortTable, planPortTableImport } from './port-table';

const skip = (line: number, problem: string, params: Record<string, unknown> = {}) => ({ code: 'import.ports.skipped', params: { ...params, problem, line } });

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
    const { rows, skipped, notes } = parsePortTable(line);
    expect([skipped.count, notes]).toEqual([0, []]);
    expect(rows).toEqual([{ line: 1, ...row }]);
  });

  it('skips headers, comments and blank lines; counts bad rows, keeps the first five by line, and keeps going', () => {
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
    const { rows, skipped, notes } = parsePortTable(text);
    expect(rows.map((r) => [r.line, r.port, r.agent])).toEqual([
      [4, 50001, 'agent1'],
      [12, 60000, 'agent2'],
    ]);
    expect(notes).toEqual([]);
    expect(skipped.count).toBe(9);
    expect(skipped.summary).toEqual({
      count: 9,
      examples: [
        skip(6, 'import.problem.portRange', { port: '70000' }),
        skip(7, 'import.problem.ssh', { port: 22 }),
        skip(8, 'import.problem.ssh', { port: 50002 }),
        skip(9, 'import.problem.ssh', { port: 60001 }),
        skip(10, 'import.problem.noPort'),
      ],
    });
  });

  it('words each reason in English for the logs', () => {
    const { skipped } = parsePortTable(['50001 a', '50001 b', 'x 1', '65536', '5000 a:99999'].join('\n'));
    expect(skipped.summary.examples.map(english)).toEqual([
      'line 2 skipped: port 50001 is already on line 1',
      'line 3 skipped: it does not start with a port number',
      'line 4 skipped: port 65536 is not 1–65535',
      'line 5 skipped: target port 99999 is not 1–65535',
    ]);
  });

  it('says when nothing usable was found', () => {
    const table = parsePortTable('hello\nworld');
    expect(table.notes).toEqual([{ code: 'import.ports.noRows' }]);
    expect(table.skipped.summary).toEqual({ count: 1, examples: [skip(2, 'import.problem.noPort')] });
    expect(parsePortTable('').rows).toEqual([]);
  });

  it('a 50,000-line paste of mostly junk: the counts and at most five examples, quickly', () => {
    // Five real rows (ports 50100–50104) among junk, such as a log pasted by mistake.
    const lines = Array.from({ length: 50_000 }, (_, i) => (i % 10_000 === 9 ? `${50_100 + Math.floor(i / 10_000)} agent${i}` : `error ${i + 100}`));
    const text = lines.join('\n');
    const started = performance.now();
    const planned = planPortTableImport(text, sampleCatalogue(), 'ep1', sequentialIds('n'));
    const took = performance.now() - started;
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    const { preview } = planned.plan;
    expect(preview.desktops).toHaveLength(5);
    expect(preview.skipped.count).toBe(49_995);
    expect(preview.skipped.examples).toHaveLength(5);
    expect(preview.skipped.examples.map((e) => e.params!.line)).toEqual([1, 2, 3, 4, 5]);
    expect(preview.warnings.length).toBeLessThanOrEqual(10);
    expect(preview.warnings[0]).toBe('49995 lines skipped; the first 5:');
    expect(JSON.stringify(preview).length).toBeLessThan(10_000);
    // Generous: the point is that nothing grows with the number of junk lines but a counter.
    expect(took).toBeLessThan(2_000);
  });
});

describe('planPortTableImport', () => {
  it('makes one port-mapped desktop per row, named after the agent, skipping ports already there', () => {
    const text = '50001 agent1 10.150.248.180\n50005 -> agent5:8443\n60010\n';
    const planned = planPortTableImport(text, sampleCatalogue(), 'ep1', sequentialIds('n'));
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(planned.plan.preview.desktops.map((d) => [d.name, d.endpointId, d.route, d.notes, d.tags])).toEqual([
      ['agent5', 'ep1', { kind: 'port', port: 50005 }, '50005 → agent5:8443', []],
      ['vpce-0a1b2c3d4e5f67890-abcdefgh:60010', 'ep1', { kind: 'port', port: 60010 }, '', []],
    ]);
    expect(planned.plan.preview.skipped).toEqual({ count: 1, examples: [skip(1, 'import.problem.portExists', { port: 50001, name: 'agent1' })] });
    expect(planned.plan.preview.notes).toEqual([]);
    expect(planned.plan.preview.warnings).toEqual(['1 line skipped', 'line 1 skipped: port 50001 is already "agent1"']);
    expect(validateCatalogue(applyPlan(sampleCatalogue(), planned.plan)).ok).toBe(true);
  });

  it('writes no words into a desktop: only the row’s facts when the name and route do not already say them', () => {
    const text = '50011 agent11 10.150.248.11\n50012 10.150.248.12\n50013 agent13\n50014 10.150.248.14:8443\n';
    const planned = planPortTableImport(text, sampleCatalogue(), 'ep1', sequentialIds('n'));
    expect(planned.ok && planned.plan.preview.desktops.map((d) => [d.name, d.notes])).toEqual([
      ['agent11', '50011 → agent11 10.150.248.11'],
      ['10.150.248.12', ''],
      ['agent13', ''],
      ['10.150.248.14', '50014 → 10.150.248.14:8443'],
    ]);
  });

  it('says when nothing would be imported', () => {
    const planned = planPortTableImport('50001 agent1\n', sampleCatalogue(), 'ep1', sequentialIds('n'));
    expect(planned.ok && planned.plan.preview.notes).toEqual([{ code: 'import.nothingToImport' }]);
    expect(planned.ok && planned.plan.preview.skipped.count).toBe(1);
  });

  it('names the endpoint field when the endpoint is missing or unknown', () => {
    expect(planPortTableImport('50001 a', sampleCatalogue(), undefined, sequentialIds())).toMatchObject({
      ok: false,
      reason: { code: 'import.ports.endpointMissing' },
      fields: { endpointId: 'choose the endpoint the ports belong to' },
    });
    expect(planPortTableImport('50001 a', sampleCatalogue(), 'nope', sequentialIds())).toMatchObject({
      ok: false,
      message: 'no endpoint "nope"',
      reason: { code: 'import.ports.endpointUnknown', params: { id: 'nope' } },
    });
  });
});
