import { useT } from '../i18n/useT';

/**
 * Main's own English words, one click away: for support tickets, never the main text. `text`
 * is one paragraph as it came; `lines` are several (a step's summary and its hints), each its own.
 */
export function Original({ text, lines }: { text?: string; lines?: ReadonlyArray<string | undefined> }) {
  const t = useT();
  const shown = [text, ...(lines ?? [])].filter((x): x is string => typeof x === 'string' && x !== '');
  if (shown.length === 0) return null;
  return (
    <details className="original">
      <summary>{t('hint.original')}</summary>
      {shown.map((line, i) => (
        <p key={i} lang="en">
          {line}
        </p>
      ))}
    </details>
  );
}
