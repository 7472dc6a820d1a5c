/**
 * A feature's texts in both languages, kept together: Japanese typed against the English keys,
 * so a missing translation fails the type check. en.ts and ja.ts spread every part.
 */
export function texts<const E extends Record<string, string>>(en: E, ja: { [K in keyof E]: string }): { en: E; ja: { [K in keyof E]: string } } {
  return { en, ja };
}
