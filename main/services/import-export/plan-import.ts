/**
 * One import request (a text, its format, and for a port table the endpoint, for a .dcv file
 * its file name) planned against the catalogue: the size limit first, then the format's reader
 * and planner. Pure: the catalogue service previews and applies it; tests use it directly.
 */
import type { Catalogue } from '../../../preload/contract/model';
import { parseDcvFile } from './dcv-file';
import { desktopNameFromFile, planDcvImport } from './dcv-import';
import { parseDcvLink } from './dcv-link';
import { planJsonImport } from './json';
import { failed, refuseTooLarge, type PlanResult } from './plan';
import { planPortTableImport } from './port-table';

export interface ImportText {
  format: 'json' | 'dcv' | 'ports';
  text: string;
  endpointId?: string;
  fileName?: string;
}

export function planImportText(input: ImportText, current: Catalogue, newId: () => string): PlanResult {
  const tooLarge = refuseTooLarge(input.text);
  if (tooLarge) return tooLarge;
  if (input.format === 'json') return planJsonImport(input.text, current, newId);
  if (input.format === 'ports') return planPortTableImport(input.text, current, input.endpointId, newId);
  const link = input.text.trim();
  const read = /^dcv:\/\//i.test(link) ? parseDcvLink(link) : parseDcvFile(input.text);
  if (!read.ok) return failed(read.problems);
  return planDcvImport(read.connect, current, newId, { name: desktopNameFromFile(input.fileName), notes: read.notes });
}
