import { en } from './en';
import { ja } from './ja';
import { PLACES } from './places';

export type MessageKey = keyof typeof en;
export type Lang = 'en' | 'ja';
export type Params = Record<string, string | number>;
export type T = (key: MessageKey, params?: Params) => string;

/** Every language has every key: ja.ts is typed against en's keys. */
export type Dictionary = Record<MessageKey, string>;

const dictionaries: Record<Lang, Dictionary> = { en, ja };

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = placesIn(lang, dictionaries[lang][key] ?? en[key] ?? key);
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * `{ui:endpoint.addressOverride}` in a text names a control of the app by its place: the
 * labels on the way to it, as the user sees them ("Endpoint → Connect to this address
 * instead"), in the same language — so a hint never names a control that does not exist.
 */
function placesIn(lang: Lang, text: string): string {
  if (!text.includes('{ui:')) return text;
  return text.replace(/\{ui:([\w.-]+)\}/g, (whole, ref: string) => {
    const path = PLACES[ref];
    if (!path) return whole;
    const labels = path.map((k) => dictionaries[lang][k]).join(' → ');
    return lang === 'ja' ? `「${labels}」` : `“${labels}”`;
  });
}

export function localeOf(lang: Lang): string {
  return lang === 'ja' ? 'ja-JP' : 'en-GB';
}
