import type { ConnectionInfo, ConnectionState } from '../../../preload/contract/api';
import { useActions, useFeature } from '../../app/services';
import type { T } from '../../i18n/translate';
import { useLang, useT } from '../../i18n/useT';
import { formatBytes, formatDateTime, formatMs, formatRate } from '../../ui/format';
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

function ConnectionRow({ info, name }: { info: ConnectionInfo; name: string }) {
  const t = useT();
  const lang = useLang();
  const samples = useFeature('connections', (s) => s.samples[info.desktopId] ?? EMPTY);
  const { close } = useActions('connections');
  const last = samples[samples.length - 1];
  const { stats } = info;
  return (
    <li className="connection" aria-label={name}>
      <div className="connection-head">
        <span className={`dot dot-${info.state.kind === 'open' ? 'ok' : info.state.kind === 'failed' ? 'fail' : 'warn'}`} aria-hidden="true" />
        <h3>{name}</h3>
        <span className="muted">{stateText(t, info.state)}</span>
        <span className="toolbar-spacer" />
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
      {stats.lastError && (
        <p className="callout callout-warn">
          <code>{stats.lastError.code}</code> <span lang="en">{stats.lastError.message}</span>
        </p>
      )}
    </li>
  );
}

export function ConnectionsView() {
  const t = useT();
  const list = useFeature('connections', (s) => s.list);
  const desktops = useFeature('catalogue', (s) => s.view?.catalogue.desktops);
  const nav = useActions('nav');
  const nameOf = (id: string) => desktops?.find((d) => d.id === id)?.name ?? id;
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
            <ConnectionRow key={c.desktopId} info={c} name={nameOf(c.desktopId)} />
          ))}
        </ul>
      )}
    </div>
  );
}
