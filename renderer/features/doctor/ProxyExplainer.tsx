import type { ProxyExplanation } from '../../../preload/contract/api';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';

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

/** Which way the launcher goes, why, and what a plain browser would do instead. */
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
            <span lang="en">{effective.reason}</span>
          </dd>
        </div>
        {sources.map((s, i) => (
          <div key={`${s.source}-${i}`} className="kv-row">
            <dt>{t(SOURCE[s.source])}</dt>
            <dd>
              <code>{s.says}</code>
              {s.matched && <span className="muted"> {t('proxy.matched', { rule: s.matched })}</span>}
            </dd>
          </div>
        ))}
      </dl>
      <div className={`callout ${plainBrowser.wouldIntercept ? 'callout-warn' : 'callout-ok'}`} role="note">
        <strong>{t(browserVerdict(explanation), { route: plainBrowser.route })}</strong>
        <p>
          <code>{plainBrowser.route}</code> — <span lang="en">{plainBrowser.reason}</span>
        </p>
        {plainBrowser.wouldIntercept && <p>{t('proxy.browserInterceptsHint')}</p>}
      </div>
    </section>
  );
}
