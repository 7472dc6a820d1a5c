import { useT } from '../i18n/useT';
import type { MessageKey } from '../i18n/translate';

export type Health = 'ok' | 'warn' | 'fail' | 'unknown';

const LABEL: Record<Health, MessageKey> = {
  ok: 'health.ok',
  warn: 'health.warn',
  fail: 'health.fail',
  unknown: 'health.unknown',
};

export function StatusDot({ status, code }: { status: Health; code?: string }) {
  const t = useT();
  const label = code && status !== 'ok' && status !== 'unknown' ? `${t(LABEL[status])} (${code})` : t(LABEL[status]);
  return <span className={`dot dot-${status}`} role="img" aria-label={label} title={label} />;
}
