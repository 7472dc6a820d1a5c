import type { ConnectionInfo, ConnectionState } from '../../../preload/contract/api';
import { useShowLabel } from '../connect/useShowLabel';
import { useDesktopName } from '../sessions/names';
import { useActions, useFeature } from '../../app/services';
import type { T } from '../../i18n/translate';
import { useLang, useT } from '../../i18n/useT';
import { formatFailure } from '../../i18n/messages';
import { formatBytes, formatDateTime, formatMs, formatRate } from '../../ui/format';
import { Original } from '../../ui/Original';
import { Rich } from '../../ui/Rich';
import { Sparkline } from '../../ui/Sparkline';
import { SAMPLE_LIMIT, type Sample } from './store';

const EMPTY: Sample[] = [];

export function stateText(t: T, state: ConnectionState): string {
  switch (state.kind) {
    case 'connecting':
      return t('conn.state.connecting', { step: state.step });
    case 'open':
      return t('conn.state.open');
    case 'reconnecting':
      return t('conn.state.reconnecting', { attempt: state.attempt, code: state.lastError.code });
    case 'failed':
      return t('conn.state.failed', { code: state.code });
    case 'closed':
      return t('conn.state.closed');
  }
}

/**
 * The connection's last error, worded: the state's own (reconnecting or failed, with the facts
 * it came with), else the tunnel's last upstream error (code only: worded without its facts).
 */
function LastError({ info }: { info: ConnectionInfo }) {
  const t = useT();
  const { state } = info;
  const error =
    state.kind === 'reconnecting' ? state.lastError
    : state.kind === 'failed' ? { code: state.code, message: state.message, params: state.params }
    : info.stats.lastError;
  if (!error) return null;
  return (
    <div className={`callout ${state.kind === 'failed' ? 'callout-error' : 'callout-warn'}`}>
      <p>
        {t('conn.lastError')} <Rich text={formatFailure(t, error)} /> <code className="muted">{error.code}</code>
      </p>
      <Original text={error.message} />
    </div>
  );
}

function ConnectionRow({ info }: { info: ConnectionInfo }) {
  const t = useT();
  // A desktop's name, or a Session Manager session's (its key is no name for a person).
  const name = useDesktopName(info.desktopId);
  const lang = useLang();
  const samples = useFeature('connections', (s) => s.samples[info.desktopId] ?? EMPTY);
  const { close } = useActions('connections');
  const connect = useActions('connect');
  const show = useShowLabel(info.desktopId);
  const last = samples[samples.length - 1];
  const { stats } = info;
  return (
    <li className="connection" aria-label={name}>
      <div className="connection-head">
        <span className={`dot dot-${info.state.kind === 'open' ? 'ok' : info.state.kind === 'failed' ? 'fail' : 'warn'}`} aria-hidden="true" />
        <h3>{name}</h3>
        <span className="muted">{stateText(t, info.state)}</span>
        <span className="toolbar-spacer" />
        {(info.state.kind === 'open' || info.state.kind === 'reconnecting') && (
          <button type="button" className="btn btn-small" onClick={() => void connect.start(info.desktopId)} aria-label={t(show.aria, { name })}>
            {t(show.label)}
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => void close(info.desktopId)} aria-label={t('conn.closeNamed', { name })}>
          {t('action.close')}
        </button>
      </div>
      <dl className="kv kv-inline">
        <div className="kv-row">
          <dt>{t('conn.local')}</dt>
          <dd>
            <code>{info.origin}</code>
          </dd>
        </div>
        <div className="kv-row">
          <dt>{t('conn.sockets')}</dt>
          <dd>{t('conn.socketsValue', { open: stats.activeSockets, ws: stats.activeWebSockets, total: stats.totalSockets })}</dd>
        </div>
        <div className="kv-row">
          <dt>{t('conn.bytes')}</dt>
          <dd>
            ↑ {formatBytes(stats.bytesUp)} ↓ {formatBytes(stats.bytesDown)}
          </dd>
        </div>
        <div className="kv-row">
          <dt>{t('conn.since')}</dt>
          <dd>{formatDateTime(lang, info.openedAt)}</dd>
        </div>
      </dl>
      <div className="charts">
        <figure>
          <figcaption>
            {t('conn.throughput')} ↓ {formatRate(last?.downBps ?? null)} ↑ {formatRate(last?.upBps ?? null)}
          </figcaption>
          <Sparkline
            values={samples.map((s) => (s.downBps === null || s.upBps === null ? null : s.downBps + s.upBps))}
            capacity={SAMPLE_LIMIT}
            label={t('conn.throughputChart', { name })}
          />
        </figure>
        <figure>
          <figcaption>
            {t('conn.rtt')} {formatMs(last?.rttMs ?? null)}
          </figcaption>
          <Sparkline values={samples.map((s) => s.rttMs)} capacity={SAMPLE_LIMIT} label={t('conn.rttChart', { name })} />
        </figure>
      </div>
      <LastError info={info} />
    </li>
  );
}

export function ConnectionsView() {
  const t = useT();
  const list = useFeature('connections', (s) => s.list);
  const nav = useActions('nav');
  return (
    <div className="view">
      <h2>{t('conn.title')}</h2>
      {list.length === 0 ? (
        <div className="empty">
          <p>{t('conn.empty')}</p>
          <button type="button" className="btn" onClick={() => nav.go('desktops')}>
            {t('conn.goDesktops')}
          </button>
        </div>
      ) : (
        <ul className="connections">
          {list.map((c) => (
            <ConnectionRow key={c.desktopId} info={c} />
          ))}
        </ul>
      )}
    </div>
  );
}
