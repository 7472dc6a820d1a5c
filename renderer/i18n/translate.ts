import { en } from './en';
import { ja } from './ja';

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
  const text = dictionaries[lang][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function localeOf(lang: Lang): string {
  return lang === 'ja' ? 'ja-JP' : 'en-GB';
}
