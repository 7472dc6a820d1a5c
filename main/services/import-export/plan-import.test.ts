import { describe, expect, it } from 'vitest';
import { IMPORT_TEXT_LIMIT } from '../../../preload/contract/api';
import { sampleCatalogue, sequentialIds, VPCE } from '../store/fixtures';
import { planImportText } from './plan-import';

const dcvFile = `[version]\r\nformat=1.0\r\n[connect]\r\nhost=${VPCE}\r\nport=8443\r\nsessionid=console\r\nauthtoken=T0KEN\r\n`;
const plan = (input: Parameters<typeof planImportText>[0]) => planImportText(input, sampleCatalogue(), sequentialIds('n'));

describe('planImportText', () => {
  it.each([
    ['営業デスクトップ.dcv', '営業デスクトップ'],
    ['営業デスクトップ.DCV', '営業デスクトップ'],
    ['C:\\Users\\山田\\Downloads\\営業デスクトップ.DCV', '営業デスクトップ'],
    ['営業テ\u3099スクトッフ\u309a.dcv', '営業デスクトップ'],
  ])('names a .dcv desktop after its file: %j', (fileName, name) => {
    const planned = plan({ format: 'dcv', text: dcvFile, fileName });
    expect(planned.ok && planned.plan.preview.desktops.map((d) => d.name)).toEqual([name]);
    expect(planned.ok && planned.plan.preview.notes.map((n) => n.code)).toEqual(['import.dcv.endpointReused', 'import.dcv.tokenToSecretStore']);
    expect(planned.ok && planned.plan.preview.tokens).toBe(1);
  });

  it('a .dcv file that cannot be read: the first problem as the reason, how many more, all of them in English', () => {
    const planned = plan({ format: 'dcv', text: '[connect]\nhost=\nport=99999\n' });
    expect(planned).toEqual({
      ok: false,
      reason: { code: 'import.file.lineError', params: { problem: 'import.problem.hostMissing', line: 2, more: 1 } },
      message: 'line 2: host is missing; line 3: port "99999" must be a number from 1 to 65535',
    });
  });

  it('a dcv:// link as the text', () => {
    const planned = plan({ format: 'dcv', text: ' dcv://gw.example:8443/#bad%20session ' });
    expect(!planned.ok && planned.reason).toEqual({ code: 'import.link.error', params: { problem: 'import.problem.sessionIdInvalid', part: 'session' } });
    expect(plan({ format: 'dcv', text: 'dcv://gw.example:70000/' })).toMatchObject({ ok: false, reason: { code: 'import.link.error', params: { problem: 'import.problem.linkInvalid' } } });
  });

  it.each(['dcv', 'json', 'ports'] as const)('refuses a %s text over the limit before reading it', (format) => {
    const planned = plan({ format, text: '#'.repeat(IMPORT_TEXT_LIMIT + 1), endpointId: 'ep1' });
    expect(!planned.ok && planned.reason).toEqual({ code: 'import.tooLarge', params: { chars: IMPORT_TEXT_LIMIT + 1, limit: IMPORT_TEXT_LIMIT } });
  });
});
