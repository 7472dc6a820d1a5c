import { useState } from 'react';
import { SessionSource, type ServerRule, type TagFilter } from '../../../preload/contract/model';
import { useActions, useFeature, useServices } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Field } from '../../ui/Field';
import { MemoryOnlyNote } from '../settings/MemoryOnlyNote';
import { EditorFrame } from './EditorFrame';
import { EndpointOptions } from './EndpointOptions';
import { newId, optional, toNumber, useForm } from './useForm';

interface Values {
  name: string;
  endpointId: string;
  brokerPort: string;
  authKind: SessionSource['auth']['kind'];
  clientId: string;
  tokenUrl: string;
  /** Write-only: goes to the secret store, never into the catalogue. */
  clientPassword: string;
  user: string;
  tagFilters: string;
  via: SessionSource['open']['via'];
  gatewayPort: string;
  rules: string;
  namePattern: string;
  requirements: string;
}

const PATHS = ['name', 'endpointId', 'brokerPort', 'auth.clientId', 'auth.tokenUrl', 'user', 'tagFilters', 'open.port', 'open.rules', 'template.namePattern', 'template.requirements'];

/** "os=windows, team=cad" → tag filters; a pair without "=" is kept whole so validation names it. */
export function parseTagFilters(text: string): TagFilter[] {
  return text
    .normalize('NFKC')
    .split(/[,、\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? { key: pair, value: '' } : { key: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
    });
}

/**
 * One rule per line: "<server> <port>" (an NLB listener port for that server) or
 * "<server> prefix [port]" (the path router: https://endpoint:port/<server's Ip>/);
 * <server> is the Ip or Hostname the Broker reports, or * for every server.
 */
export function parseRules(text: string): unknown[] {
  return text
    .normalize('NFKC')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [server = '', second = '', third = ''] = line.split(/\s+/);
      if (second.toLowerCase() === 'prefix') return { server, route: { kind: 'prefix', port: toNumber(third) ?? 8443 } };
      return { server, route: { kind: 'port', port: toNumber(second) } };
    });
}

function formatRules(rules: ServerRule[]): string {
  return rules.map((r) => (r.route.kind === 'port' ? `${r.server} ${r.route.port}` : `${r.server} prefix ${r.route.port}`)).join('\n');
}

function valuesOf(s: SessionSource | undefined, endpointId: string): Values {
  return {
    name: s?.name ?? '',
    endpointId: s?.endpointId ?? endpointId,
    brokerPort: String(s?.brokerPort ?? 8443),
    authKind: s?.auth.kind ?? 'broker',
    clientId: s && s.auth.kind !== 'none' ? s.auth.clientId : '',
    tokenUrl: s?.auth.kind === 'token-url' ? s.auth.tokenUrl : '',
    clientPassword: '',
    user: s?.user ?? '',
    tagFilters: s?.tagFilters.map((f) => `${f.key}=${f.value}`).join(', ') ?? '',
    via: s?.open.via ?? 'gateway',
    gatewayPort: String(s?.open.via === 'gateway' ? s.open.port : 8443),
    rules: s?.open.via === 'server' ? formatRules(s.open.rules) : '',
    namePattern: s?.template?.namePattern ?? '{user}-{n}',
    requirements: s?.template?.requirements ?? '',
  };
}

function candidate(id: string, v: Values): unknown {
  const auth =
    v.authKind === 'none' ? { kind: 'none' }
    : v.authKind === 'token-url' ? { kind: 'token-url', tokenUrl: v.tokenUrl.trim(), clientId: v.clientId }
    : { kind: 'broker', clientId: v.clientId };
  return {
    id,
    name: v.name,
    endpointId: v.endpointId,
    brokerPort: toNumber(v.brokerPort),
    auth,
    user: v.user,
    tagFilters: parseTagFilters(v.tagFilters),
    open: v.via === 'gateway' ? { via: 'gateway', port: toNumber(v.gatewayPort) } : { via: 'server', rules: parseRules(v.rules) },
    template: { namePattern: v.namePattern, requirements: v.requirements },
  };
}

/** A Session Manager behind an endpoint: its Broker, how to sign in to it, whose sessions, how they open. */
export function SourceEditor({ id }: { id?: string }) {
  const t = useT();
  const { api } = useServices();
  const existing = useFeature('catalogue', (s) => s.view?.catalogue.sources.find((x) => x.id === id));
  const endpoints = useFeature('catalogue', (s) => s.view?.catalogue.endpoints);
  const catalogue = useActions('catalogue');
  const sessions = useActions('sessions');
  const [sourceId] = useState(() => existing?.id ?? newId('source'));
  const form = useForm(valuesOf(existing, endpoints?.[0]?.id ?? ''), SessionSource, (v) => candidate(sourceId, v), { serverPathPrefix: 'source.', fieldPaths: PATHS });
  const { values: v, set, error } = form;

  async function save(source: SessionSource) {
    const password = optional(v.clientPassword);
    const result = await api.invoke('source.save', password && source.auth.kind !== 'none' ? { source, clientPassword: password } : { source });
    if (result.ok) {
      await catalogue.load();
      void sessions.refresh(result.value.id);
    }
    return result;
  }

  return (
    <EditorFrame kind="source" existing={existing} form={form} save={save}>
      <p className="muted">{t('source.intro')}</p>
      <Field label={t('source.name')} error={error('name')}>
        {(p) => <input {...p} value={v.name} onChange={(e) => set('name', e.target.value)} />}
      </Field>
      <Field label={t('desktop.endpoint')} error={error('endpointId')}>
        {(p) => (
          <select {...p} value={v.endpointId} onChange={(e) => set('endpointId', e.target.value)}>
            <EndpointOptions endpoints={endpoints ?? []} />
          </select>
        )}
      </Field>
      <Field label={t('source.brokerPort')} error={error('brokerPort')} hint={t('source.brokerPortHint')}>
        {(p) => <input {...p} inputMode="numeric" value={v.brokerPort} onChange={(e) => set('brokerPort', e.target.value)} />}
      </Field>
      <fieldset>
        <legend>{t('source.auth')}</legend>
        <Field label={t('source.authKind')}>
          {(p) => (
            <select {...p} value={v.authKind} onChange={(e) => set('authKind', e.target.value as Values['authKind'])}>
              <option value="broker">{t('source.auth.broker')}</option>
              <option value="token-url">{t('source.auth.tokenUrl')}</option>
              <option value="none">{t('source.auth.none')}</option>
            </select>
          )}
        </Field>
        {v.authKind !== 'none' && (
          <>
            {v.authKind === 'token-url' && (
              <Field label={t('source.tokenUrl')} error={error('auth.tokenUrl')}>
                {(p) => <input {...p} value={v.tokenUrl} spellCheck={false} placeholder="https://idp.example.com/oauth2/token" onChange={(e) => set('tokenUrl', e.target.value)} />}
              </Field>
            )}
            <Field label={t('source.clientId')} error={error('auth.clientId')} hint={t('source.clientIdHint')}>
              {(p) => <input {...p} value={v.clientId} spellCheck={false} autoComplete="off" onChange={(e) => set('clientId', e.target.value)} />}
            </Field>
            <Field label={t('source.clientPassword')} hint={existing ? t('source.clientPasswordKeepHint') : t('source.clientPasswordHint')}>
              {(p) => <input {...p} type="password" autoComplete="new-password" value={v.clientPassword} onChange={(e) => set('clientPassword', e.target.value)} />}
            </Field>
            <MemoryOnlyNote when={v.clientPassword !== ''} />
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>{t('source.whose')}</legend>
        <Field label={t('source.user')} error={error('user')} hint={t('source.userHint')}>
          {(p) => <input {...p} value={v.user} spellCheck={false} onChange={(e) => set('user', e.target.value)} />}
        </Field>
        <Field label={t('source.tagFilters')} error={error('tagFilters')} hint={t('source.tagFiltersHint')}>
          {(p) => <input {...p} value={v.tagFilters} spellCheck={false} placeholder="os=windows" onChange={(e) => set('tagFilters', e.target.value)} />}
        </Field>
      </fieldset>
      <fieldset>
        <legend>{t('source.open')}</legend>
        <Field label={t('source.via')}>
          {(p) => (
            <select {...p} value={v.via} onChange={(e) => set('via', e.target.value as Values['via'])}>
              <option value="gateway">{t('source.via.gateway')}</option>
              <option value="server">{t('source.via.server')}</option>
            </select>
          )}
        </Field>
        {v.via === 'gateway' ? (
          <Field label={t('source.gatewayPort')} error={error('open.port')} hint={t('source.gatewayPortHint')}>
            {(p) => <input {...p} inputMode="numeric" value={v.gatewayPort} onChange={(e) => set('gatewayPort', e.target.value)} />}
          </Field>
        ) : (
          <Field label={t('source.rules')} error={error('open.rules')} hint={t('source.rulesHint')}>
            {(p) => <textarea {...p} rows={4} className="mono" value={v.rules} spellCheck={false} placeholder={'10.150.248.180 50001\n* prefix 8443'} onChange={(e) => set('rules', e.target.value)} />}
          </Field>
        )}
      </fieldset>
      <details className="advanced" open={Boolean(error('template.namePattern') || error('template.requirements'))}>
        <summary>{t('source.template')}</summary>
        <Field label={t('source.namePattern')} error={error('template.namePattern')} hint={t('source.namePatternHint')}>
          {(p) => <input {...p} value={v.namePattern} onChange={(e) => set('namePattern', e.target.value)} />}
        </Field>
        <Field label={t('source.requirements')} error={error('template.requirements')} hint={t('source.requirementsHint')}>
          {(p) => <input {...p} value={v.requirements} spellCheck={false} placeholder="ram_gb = '4'" onChange={(e) => set('requirements', e.target.value)} />}
        </Field>
      </details>
    </EditorFrame>
  );
}
