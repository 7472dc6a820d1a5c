import { isMessageKey } from '../i18n/translate';
import { useLang, useT } from '../i18n/useT';

/**
 * Main writes hints in English, with the specifics (a host, a dcv.conf line). In Japanese the
 * hint for the code comes first and main's original stays one click away.
 */
export function Hint({ code, hint }: { code: string; hint?: string }) {
  const t = useT();
  const lang = useLang();
  const key = `hint.${code}`;
  const translated = isMessageKey(key) ? t(key) : null;
  if (lang === 'en' || !translated) {
    const text = hint ?? translated;
    return text ? <p className="hint">{text}</p> : null;
  }
  return (
    <div className="hint">
      <p>{translated}</p>
      {hint && (
        <details className="hint-original">
          <summary>{t('hint.original')}</summary>
          <p lang="en">{hint}</p>
        </details>
      )}
    </div>
  );
}
