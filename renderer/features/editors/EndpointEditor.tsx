import { useState } from 'react';
import { Endpoint } from '../../../preload/contract/model';
import { useActions, useFeature, useServices } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Field } from '../../ui/Field';
import { MemoryOnlyNote } from '../settings/MemoryOnlyNote';
import { EditorFrame } from './EditorFrame';
import { newId, optional, useForm } from './useForm';

interface Values {
  name: string;
  host: string;
  addressOverride: string;
  tlsMode: 'pin' | 'ca' | 'system';
  caPem: string;
  proxyMode: 'system' | 'env' | 'direct' | 'manual';
  proxyUrl: string;
  proxyUsername: string;
  /** Write-only: goes to the secret store, never into the catalogue. */
  proxyPassword: string;
  hostHeader: string;
  origin: string;
}

const PATHS = ['name', 'host', 'addressOverride', 'tls.caPem', 'proxy.url', 'proxy.username', 'hostHeader', 'origin'];

function valuesOf(e?: Endpoint): Values {
  return {
    name: e?.name ?? '',
    host: e?.host ?? '',
    addressOverride: e?.addressOverride ?? '',
    tlsMode: e?.tls.mode ?? 'pin',
    caPem: e?.tls.mode === 'ca' ? e.tls.caPem : '',
    proxyMode: e?.proxy.mode ?? 'system',
    proxyUrl: e?.proxy.mode === 'manual' ? e.proxy.url : '',
    proxyUsername: e?.proxy.mode === 'manual' ? (e.proxy.username ?? '') : '',
    proxyPassword: '',
    hostHeader: e?.hostHeader ?? '',
    origin: e?.origin ?? '',
  };
}

function candidate(id: string, v: Values): unknown {
  return {
    id,
    name: v.name,
    host: v.host,
    addressOverride: optional(v.addressOverride),
    tls: v.tlsMode === 'ca' ? { mode: 'ca', caPem: v.caPem } : { mode: v.tlsMode },
    proxy: v.proxyMode === 'manual' ? { mode: 'manual', url: v.proxyUrl, username: optional(v.proxyUsername) } : { mode: v.proxyMode },
    hostHeader: optional(v.hostHeader),
    origin: optional(v.origin),
  };
}

export function EndpointEditor({ id }: { id?: string }) {
  const t = useT();
  const { api } = useServices();
  const existing = useFeature('catalogue', (s) => s.view?.catalogue.endpoints.find((e) => e.id === id));
  const catalogue = useActions('catalogue');
  const [endpointId] = useState(() => existing?.id ?? newId('endpoint'));
  const form = useForm(valuesOf(existing), Endpoint, (v) => candidate(endpointId, v), { fieldPaths: PATHS });
  const { values: v, set, error } = form;

  async function save(endpoint: Endpoint) {
    const result = await catalogue.saveEndpoint(endpoint);
    if (result.ok && endpoint.proxy.mode === 'manual' && endpoint.proxy.username && v.proxyPassword) {
      return api.invoke('secrets.setProxyPassword', { endpointId: endpoint.id, username: endpoint.proxy.username, password: v.proxyPassword });
    }
    return result;
  }

  return (
    <EditorFrame kind="endpoint" existing={existing} form={form} save={save}>
      <Field label={t('endpoint.name')} error={error('name')}>
        {(p) => <input {...p} value={v.name} onChange={(e) => set('name', e.target.value)} />}
      </Field>
      <Field label={t('endpoint.host')} error={error('host')} hint={t('endpoint.hostHint')}>
        {(p) => <input {...p} value={v.host} spellCheck={false} onChange={(e) => set('host', e.target.value)} />}
      </Field>
      <Field label={t('endpoint.addressOverride')} error={error('addressOverride')} hint={t('endpoint.addressOverrideHint')}>
        {(p) => <input {...p} value={v.addressOverride} spellCheck={false} onChange={(e) => set('addressOverride', e.target.value)} />}
      </Field>
      <fieldset>
        <legend>{t('endpoint.tls')}</legend>
        <Field label={t('endpoint.tlsMode')}>
          {(p) => (
            <select {...p} value={v.tlsMode} onChange={(e) => set('tlsMode', e.target.value as Values['tlsMode'])}>
              <option value="pin">{t('endpoint.tls.pin')}</option>
              <option value="ca">{t('endpoint.tls.ca')}</option>
              <option value="system">{t('endpoint.tls.system')}</option>
            </select>
          )}
        </Field>
        {v.tlsMode === 'ca' && (
          <Field label={t('endpoint.caPem')} error={error('tls.caPem')}>
            {(p) => <textarea {...p} rows={5} className="mono" value={v.caPem} onChange={(e) => set('caPem', e.target.value)} />}
          </Field>
        )}
      </fieldset>
      <fieldset>
        <legend>{t('endpoint.proxy')}</legend>
        <Field label={t('endpoint.proxyMode')}>
          {(p) => (
            <select {...p} value={v.proxyMode} onChange={(e) => set('proxyMode', e.target.value as Values['proxyMode'])}>
              <option value="system">{t('endpoint.proxy.system')}</option>
              <option value="env">{t('endpoint.proxy.env')}</option>
              <option value="direct">{t('endpoint.proxy.direct')}</option>
              <option value="manual">{t('endpoint.proxy.manual')}</option>
            </select>
          )}
        </Field>
        {v.proxyMode === 'manual' && (
          <>
            <Field label={t('endpoint.proxyUrl')} error={error('proxy.url')}>
              {(p) => <input {...p} value={v.proxyUrl} placeholder="http://proxy.example.com:8080" spellCheck={false} onChange={(e) => set('proxyUrl', e.target.value)} />}
            </Field>
            <Field label={t('endpoint.proxyUsername')} error={error('proxy.username')}>
              {(p) => <input {...p} value={v.proxyUsername} autoComplete="off" onChange={(e) => set('proxyUsername', e.target.value)} />}
            </Field>
            <Field label={t('endpoint.proxyPassword')} hint={t('endpoint.proxyPasswordHint')}>
              {(p) => <input {...p} type="password" autoComplete="new-password" value={v.proxyPassword} onChange={(e) => set('proxyPassword', e.target.value)} />}
            </Field>
            <MemoryOnlyNote when={v.proxyPassword !== ''} />
          </>
        )}
      </fieldset>
      <details className="advanced" open={Boolean(v.hostHeader || v.origin || error('hostHeader') || error('origin'))}>
        <summary>{t('endpoint.advanced')}</summary>
        <Field label={t('endpoint.hostHeader')} error={error('hostHeader')} hint={t('endpoint.hostHeaderHint')}>
          {(p) => <input {...p} value={v.hostHeader} spellCheck={false} onChange={(e) => set('hostHeader', e.target.value)} />}
        </Field>
        <Field label={t('endpoint.origin')} error={error('origin')} hint={t('endpoint.originHint')}>
          {(p) => <input {...p} value={v.origin} spellCheck={false} placeholder="https://…" onChange={(e) => set('origin', e.target.value)} />}
        </Field>
      </details>
    </EditorFrame>
  );
}
