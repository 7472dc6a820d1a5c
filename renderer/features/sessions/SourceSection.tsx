import type { SessionView, SourceStatus } from '../../../preload/contract/api';
import type { SessionSource } from '../../../preload/contract/model';
import { useActions, useFeature } from '../../app/services';
import { useLang, useT } from '../../i18n/useT';
import { FailureText } from '../../ui/FailureText';
import { formatDateTime } from '../../ui/format';
import { NoMatches } from '../desktops/EmptyState';
import { SessionItem } from './SessionItem';

/** What stopped the last listing, and the one button that deals with it. */
function Problem({ source, problem }: { source: SessionSource; problem: NonNullable<SourceStatus['problem']> }) {
  const t = useT();
  const connect = useActions('connect');
  const resolve = (
    <button type="button" className="btn btn-small" onClick={() => void connect.refreshSource(source.id)}>
      {problem.kind === 'failed' ? t('action.retry') : t('sessions.resolve')}
    </button>
  );
  switch (problem.kind) {
    case 'needs-trust':
      return (
        <div className="callout callout-warn" role="note">
          {t('sessions.needsTrust', { key: problem.inspection.key })} {resolve}
        </div>
      );
    case 'certificate-changed':
      return (
        <div className="callout callout-error" role="alert">
          {t('sessions.certificateChanged', { key: problem.inspection.key })} {resolve}
        </div>
      );
    case 'needs-client-password':
      return (
        <div className="callout callout-warn" role="note">
          {t(problem.reason === 'rejected' ? 'sessions.passwordRejected' : 'sessions.needsPassword', { clientId: problem.clientId })} {resolve}
        </div>
      );
    case 'needs-proxy-credentials':
      return (
        <div className="callout callout-warn" role="note">
          {t('proxyAuth.body', { proxy: problem.proxy })} {resolve}
        </div>
      );
    case 'failed':
      return (
        <div className="callout callout-error" role="alert">
          <p>{t('sessions.refreshFailed')}</p>
          <FailureText failure={problem} />
          {resolve}
        </div>
      );
  }
}

/** One Session Manager source: its sessions (filtered like the desktops), refresh and New desktop. */
export function SourceSection({ source, status, sessions }: { source: SessionSource; status?: SourceStatus; sessions: SessionView[] }) {
  const t = useT();
  const lang = useLang();
  const connect = useActions('connect');
  const editors = useActions('editors');
  const { refresh } = useActions('sessions');
  const layout = useFeature('catalogue', (s) => s.view?.catalogue.settings.view ?? 'list');
  const headingId = `source-${source.id}`;
  const total = status?.sessions.length ?? 0;
  const user = status?.user ?? source.user;
  const own = (s: SessionView) => Boolean(user) && s.owner.toLowerCase() === user.toLowerCase();

  return (
    <section className="section source" aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>
          {source.name} <span className="muted source-kind">{t('sessions.kind')}</span>{' '}
          {status && <span className="count">{t('desktops.count', { shown: sessions.length, total })}</span>}
        </h2>
        <div className="row">
          <span className="muted" role="status">
            {status?.refreshing
              ? status.progress && status.progress.pages > 0
                ? t('sessions.listing', { pages: status.progress.pages, sessions: status.progress.sessions })
                : t('sessions.refreshing')
              : status?.refreshedAt
                ? t('sessions.refreshedAt', { when: formatDateTime(lang, status.refreshedAt) })
                : ''}
          </span>
          <button type="button" className="btn btn-small" disabled={status?.refreshing} onClick={() => void refresh(source.id)}>
            {t('sessions.refresh')}
          </button>
          <button type="button" className="btn btn-small btn-primary" onClick={() => void connect.createSession(source.id)}>
            {t('sessions.new')}
          </button>
          <button type="button" className="btn btn-small" onClick={() => editors.show({ kind: 'source', id: source.id })} aria-label={t('sessions.editSource', { name: source.name })}>
            {t('action.edit')}
          </button>
        </div>
      </div>
      {status?.problem && <Problem source={source} problem={status.problem} />}
      {status && status.refreshedAt && total === 0 ? (
        <p className="empty empty-small">{t('sessions.none', { user })}</p>
      ) : sessions.length === 0 && total > 0 ? (
        <NoMatches />
      ) : (
        <ul className={`desktops desktops-${layout}`} aria-label={source.name}>
          {sessions.map((s) => (
            <SessionItem key={s.key} session={s} own={own(s)} />
          ))}
        </ul>
      )}
    </section>
  );
}
