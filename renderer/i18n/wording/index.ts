/**
 * Main's messages as data, worded in the user's language: advice (what to change), a step's
 * summary (what it saw), a reason (why a route), what each proxy source says. One table per
 * language and kind, each a Record over its codes, so a new code without wording in either
 * language does not compile. The English originals stay main's, behind <Original>.
 */
import type { Advice, AdviceCode, Message, SummaryCode } from '../../../preload/contract/api';
import { formatMessage } from '../messages';
import { PLACES, type Place } from '../places';
import { isMessageKey, type Lang, type MessageKey, type T } from '../translate';
import { formatDateTime } from '../../ui/format';
import { adviceEn, type AdviceTable } from './advice.en';
import { adviceJa } from './advice.ja';
import { PROSE_PARAMS, REASON_CODES, type ReasonCode } from './codes';
import { reasonsEn, routeEn, type ReasonTable } from './reasons.en';
import { reasonsJa, routeJa } from './reasons.ja';
import { summariesEn, type SummaryTable } from './summaries.en';
import { summariesJa } from './summaries.ja';
import { code, unflatten, type StepStatus, type Words } from './words';

export type { StepStatus, Words } from './words';

const ADVICE: Record<Lang, AdviceTable> = { en: adviceEn, ja: adviceJa };
const SUMMARIES: Record<Lang, SummaryTable> = { en: summariesEn, ja: summariesJa };
const REASONS: Record<Lang, ReasonTable> = { en: reasonsEn, ja: reasonsJa };
const ROUTES: Record<Lang, (route: string) => string> = { en: routeEn, ja: routeJa };

const has = (table: object, key: string) => Object.prototype.hasOwnProperty.call(table, key);
export const isAdviceCode = (c: string): c is AdviceCode => has(adviceEn, c);
export const isSummaryCode = (c: string): c is SummaryCode => has(summariesEn, c);
export const isReasonCode = (c: string): c is ReasonCode => (REASON_CODES as readonly string[]).includes(c);

/** Quoted as translate() quotes a `{ui:…}` place, so tables and dictionary texts look alike. */
const quote = (lang: Lang, text: string) => (lang === 'ja' ? `「${text}」` : `“${text}”`);

/** The helpers of one language (see Words). */
export function createWords(lang: Lang, t: T): Words {
  const keyed = (key: string, fallback: string) => (isMessageKey(key) ? t(key) : fallback);
  const w: Words = {
    lang,
    t,
    ui: (place: Place) => quote(lang, PLACES[place].map((k) => t(k)).join(' → ')),
    label: (key: MessageKey) => quote(lang, t(key)),
    reason: (m) => (m ? wordMessage(w, m) : ''),
    nested: (p, key) => w.reason(unflatten(p, key)),
    route: (route) => ROUTES[lang](route),
    op: (operation) => keyed(`broker.op.${operation ?? ''}`, t('broker.op.unknown')),
    step: (id) => keyed(`step.${id}`, id),
    state: (state) => (state ? keyed(`session.state.${state.toUpperCase()}`, code(state)) : t('session.state.UNKNOWN')),
    date: (iso) => (iso ? formatDateTime(lang, iso) : '?'),
  };
  return w;
}

/** What to change, for one advice; a code no table knows still says which, and what to do. */
export function wordAdvice(w: Words, advice: Advice): string {
  return isAdviceCode(advice.code) ? ADVICE[w.lang][advice.code](advice.facts, w) : w.t('advice.unknown', { code: advice.code });
}

/** What a step saw; '' for a code no table knows (main's English stays behind the original). */
export function wordSummary(w: Words, summary: Message, status?: StepStatus): string {
  return isSummaryCode(summary.code) ? SUMMARIES[w.lang][summary.code](summary.params ?? {}, w, status) : '';
}

/** Any message: a summary, a reason, else the dictionary's `m.<code>`. */
export function wordMessage(w: Words, m: Message): string {
  if (isReasonCode(m.code)) return REASONS[w.lang][m.code](m.params ?? {}, w);
  if (isSummaryCode(m.code)) return wordSummary(w, m);
  return formatMessage(w.t, m);
}

/** English prose a message carries as a param (an exception's text): shown only as <code>, never in a sentence. */
export function proseOf(m: Message | undefined): string[] {
  const out: string[] = [];
  for (const name of PROSE_PARAMS) {
    const v = m?.params?.[name];
    if (typeof v === 'string' && v !== '') out.push(v);
  }
  return out;
}
