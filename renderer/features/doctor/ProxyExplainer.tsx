import type { Message, ProxyExplanation } from '../../../preload/contract/api';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { proseOf, wordMessage } from '../../i18n/wording';
import { useWords } from '../../i18n/wording/useWords';
import { Original } from '../../ui/Original';
import { Rich } from '../../ui/Rich';

const SOURCE: Record<ProxyExplanation['sources'][number]['source'], MessageKey> = {
  profile: 'proxy.source.profile',
  env: 'proxy.source.env',
  system: 'proxy.source.system',
};

/** The headline for what a plain browser would do, next to the launcher's route. */
function browserVerdict({ effective, plainBrowser }: ProxyExplanation): MessageKey {
  if (plainBrowser.wouldIntercept) return 'proxy.browserIntercepts';
  if (plainBrowser.route === effective.route) return 'proxy.browserSame';
  return plainBrowser.route === 'unknown' ? 'proxy.browserUnknown' : 'proxy.browserOther';
}

/** A reason in the user's language; an error it carries (English, from the system) only as <code>. */
function Said({ message }: { message: Message }) {
  const w = useWords();
  return (
    <>
      <Rich text={wordMessage(w, message)} />
      {proseOf(message).map((x, i) => (
        <code key={i} className="muted">
          {' '}
          {x}
        </code>
      ))}
    </>
  );
}

/** Which way the launcher goes, why, what each source says, and what a plain browser would do instead. */
export function ProxyExplainer({ explanation }: { explanation: ProxyExplanation }) {
  const t = useT();
  const { effective, sources, plainBrowser } = explanation;
  return (
    <section className="section proxy" aria-labelledby="proxy-heading">
      <h2 id="proxy-heading">{t('proxy.title')}</h2>
      <p>
        {t('proxy.for')} <code>{explanation.url}</code>
      </p>
      <dl className="kv">
        <div className="kv-row">
          <dt>{t('proxy.effective')}</dt>
          <dd>
            <strong>
              <code>{effective.route}</code>
            </strong>{' '}
            <Said message={effective.because} />
          </dd>
        </div>
        {sources.map((s, i) => (
          <div key={`${s.source}-${i}`} className="kv-row">
            <dt>{t(SOURCE[s.source])}</dt>
            <dd>
              <Said message={s.saysMessage} />
              {s.matched && <span className="muted"> {t('proxy.matched', { rule: s.matched })}</span>}
            </dd>
          </div>
        ))}
      </dl>
      <div className={`callout ${plainBrowser.wouldIntercept ? 'callout-warn' : 'callout-ok'}`} role="note">
        <strong>{t(browserVerdict(explanation), { route: plainBrowser.route })}</strong>
        <p>
          <Said message={plainBrowser.explanation} />
        </p>
      </div>
      <Original lines={[effective.reason, ...sources.map((s) => `${s.source}: ${s.says}`), plainBrowser.reason]} />
    </section>
  );
}
