import { describe, expect, it } from 'vitest';
import { IMPORT_TEXT_LIMIT } from '../../../preload/contract/api';
import { sampleCatalogue, sequentialIds } from '../store/fixtures';
import { english, firstOf, IMPORT_CODES, located, note } from './notes';
import { buildPlan, capNotes, failed, refuseTooLarge, SkippedLines, withoutTokens } from './plan';
import { planPortTableImport } from './port-table';

describe('import notes', () => {
  it('every code has English, and no English is the bare code', () => {
    for (const code of IMPORT_CODES) {
      const text = english({ code, params: { problem: 'import.problem.noPort', line: 3, name: 'n', count: 2 } });
      expect(text, code).not.toBe(`(${code})`);
      expect(text.length, code).toBeGreaterThan(5);
    }
    expect(english({ code: 'import.somethingNew' })).toBe('(import.somethingNew)');
  });

  it('locates a problem: a line of a file, a part of a link, the whole file or link', () => {
    const problem = note('import.problem.portInvalid', { key: 'port', value: '0' });
    expect(located({ line: 6 }, problem)).toEqual({ code: 'import.file.lineError', params: { key: 'port', value: '0', problem: 'import.problem.portInvalid', line: 6 } });
    expect(located({ part: 'port' }, problem)).toEqual({ code: 'import.link.error', params: { key: 'port', value: '0', problem: 'import.problem.portInvalid', part: 'port' } });
    expect(located({ whole: 'file' }, note('import.problem.noConnect'))).toEqual({ code: 'import.file.error', params: { problem: 'import.problem.noConnect' } });
    expect(english(located({ line: 6 }, problem))).toBe('line 6: port "0" must be a number from 1 to 65535');
    expect(english(located({ part: 'port' }, problem))).toBe("the link's port: port \"0\" must be a number from 1 to 65535");
  });

  it('a failure: the first problem is the reason, with how many more; the English lists all', () => {
    const problems = [located({ line: 2 }, note('import.problem.hostMissing')), located({ line: 3 }, note('import.problem.notKeyValue'))];
    expect(firstOf(problems)).toEqual({ code: 'import.file.lineError', params: { problem: 'import.problem.hostMissing', line: 2, more: 1 } });
    expect(failed(problems)).toEqual({
      ok: false,
      message: 'line 2: host is missing; line 3: expected "name=value", a [section] or a comment',
      reason: firstOf(problems),
    });
    expect(failed(problems.slice(0, 1)).reason).toEqual(problems[0]);
  });

  it('caps notes per kind with "… and N more like this"', () => {
    const notes = [...Array.from({ length: 8 }, (_, i) => note('import.json.profileExists', { name: `p${i}` })), note('import.json.personalNotImported')];
    const capped = capNotes(notes);
    expect(capped.map((n) => n.code)).toEqual([...Array(5).fill('import.json.profileExists'), 'import.more', 'import.json.personalNotImported']);
    expect(capped[5]).toEqual({ code: 'import.more', params: { count: 3 } });
    expect(capNotes(capped)).toEqual(capped);
  });

  it('keeps the first skipped lines by line, whatever order they come in, and counts all', () => {
    const skipped = new SkippedLines(3);
    for (const line of [9, 4, 7, 1, 8, 2]) skipped.add(line, note('import.problem.noPort'));
    expect(skipped.count).toBe(6);
    expect(skipped.summary.examples.map((e) => e.params!.line)).toEqual([1, 2, 4]);
    expect(skipped.summary.examples[0]).toEqual({ code: 'import.ports.skipped', params: { problem: 'import.problem.noPort', line: 1 } });
  });
});

describe('the preview', () => {
  it('says "nothing to import" when nothing would change, and counts tokens as a change', () => {
    expect(buildPlan('dcv', {}).preview).toEqual({
      format: 'dcv',
      endpoints: [],
      desktops: [],
      profiles: [],
      notes: [{ code: 'import.nothingToImport' }],
      skipped: { count: 0, examples: [] },
      tokens: 0,
      warnings: ['nothing new to import'],
    });
    expect(buildPlan('dcv', { tokens: { d1: 'T' } }).preview).toMatchObject({ notes: [], tokens: 1 });
  });

  it('without a secret store: no tokens, no promise to keep them, and says so', () => {
    const plan = buildPlan('dcv', { notes: [note('import.dcv.duplicate', { name: 'x' }), note('import.dcv.tokenReplaced', { name: 'x' })], tokens: { d1: 'T' } });
    const without = withoutTokens(plan);
    expect(without.tokens).toEqual({});
    expect(without.preview.tokens).toBe(0);
    expect(without.preview.notes).toEqual([note('import.dcv.duplicate', { name: 'x' }), note('import.tokenNotKept'), note('import.nothingToImport')]);
  });

  it('puts the skipped count and its examples after the notes in the English', () => {
    const planned = planPortTableImport('x 10\ny 20\n50009 a\n', sampleCatalogue(), 'ep1', sequentialIds());
    expect(planned.ok && planned.plan.preview.warnings).toEqual(['2 lines skipped', 'line 1 skipped: it does not start with a port number', 'line 2 skipped: it does not start with a port number']);
  });
});

describe('the size limit', () => {
  it('refuses a text over IMPORT_TEXT_LIMIT before reading it, saying both sizes', () => {
    expect(refuseTooLarge('x'.repeat(IMPORT_TEXT_LIMIT))).toBeNull();
    const refused = refuseTooLarge('x'.repeat(IMPORT_TEXT_LIMIT + 1));
    expect(refused).toMatchObject({ ok: false, reason: { code: 'import.tooLarge', params: { chars: IMPORT_TEXT_LIMIT + 1, limit: IMPORT_TEXT_LIMIT } }, fields: { text: expect.any(String) } });
    expect(refused?.message).toBe(`the text is ${IMPORT_TEXT_LIMIT + 1} characters long; an import takes at most ${IMPORT_TEXT_LIMIT}`);
  });
});
