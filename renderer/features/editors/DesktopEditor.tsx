import { useId, useState } from 'react';
import { Desktop, type Route } from '../../../preload/contract/model';
import { useActions, useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Field } from '../../ui/Field';
import { MemoryOnlyNote } from '../settings/MemoryOnlyNote';
import { EditorFrame } from './EditorFrame';
import { EndpointOptions } from './EndpointOptions';
import { newId, toNumber, useForm } from './useForm';

interface Values {
  name: string;
  endpointId: string;
  routeKind: Route['kind'];
  port: string;
  agent: string;
  sessionId: string;
  webUrlPath: string;
  tags: string;
  notes: string;
  favourite: boolean;
  /** Write-only: sent once with the save, kept by main in the secret store. */
  token: string;
}

const PATHS = ['name', 'endpointId', 'route.port', 'route.agent', 'route.sessionId', 'webUrlPath', 'tags', 'notes'];

function valuesOf(d: Desktop | undefined, endpointId: string): Values {
  return {
    name: d?.name ?? '',
    endpointId: d?.endpointId ?? endpointId,
    routeKind: d?.route.kind ?? 'port',
    port: d ? String(d.route.port) : '',
    agent: d?.route.kind === 'prefix' ? d.route.agent : '',
    sessionId: d?.route.kind === 'gateway' ? d.route.sessionId : '',
    webUrlPath: d?.webUrlPath ?? '/',
    tags: d?.tags.join(', ') ?? '',
    notes: d?.notes ?? '',
    favourite: d?.favourite ?? false,
    token: '',
  };
}

export function parseTags(s: string): string[] {
  return [...new Set(s.split(/[,、]/).map((x) => x.trim()).filter(Boolean))];
}

function routeOf(v: Values): unknown {
  const port = toNumber(v.port);
  switch (v.routeKind) {
    case 'port':
      return { kind: 'port', port };
    case 'prefix':
      return { kind: 'prefix', port, agent: v.agent };
    case 'gateway':
      return { kind: 'gateway', port, sessionId: v.sessionId };
  }
}

export function DesktopEditor({ id, endpointId }: { id?: string; endpointId?: string }) {
  const t = useT();
  const existing = useFeature('catalogue', (s) => s.view?.catalogue.desktops.find((d) => d.id === id));
  const endpoints = useFeature('catalogue', (s) => s.view?.catalogue.endpoints);
  const hasToken = useFeature('catalogue', (s) => Boolean(id && s.view?.desktopsWithToken.includes(id)));
  const catalogue = useActions('catalogue');
  const favouriteId = useId();
  const [desktopId] = useState(() => existing?.id ?? newId('desktop'));
  const form = useForm(
    valuesOf(existing, endpointId ?? endpoints?.[0]?.id ?? ''),
    Desktop,
    (v) => ({
      id: desktopId,
      name: v.name,
      endpointId: v.endpointId,
      route: routeOf(v),
      webUrlPath: v.webUrlPath,
      tags: parseTags(v.tags),
      notes: v.notes,
      favourite: v.favourite,
    }),
    { serverPathPrefix: 'desktop.', fieldPaths: PATHS },
  );
  const { values: v, set, error } = form;

  function setKind(kind: Route['kind']) {
    set('routeKind', kind);
    // Routers and gateways listen on 8443 unless told otherwise.
    if (kind !== 'port' && v.port.trim() === '') set('port', '8443');
  }

  const token = v.routeKind === 'gateway' && v.token ? v.token : undefined;

  return (
    <EditorFrame kind="desktop" existing={existing} form={form} save={(desktop) => catalogue.saveDesktop(desktop, token)}>
      <Field label={t('desktop.name')} error={error('name')}>
        {(p) => <input {...p} value={v.name} onChange={(e) => set('name', e.target.value)} />}
      </Field>
      <Field label={t('desktop.endpoint')} error={error('endpointId')}>
        {(p) => (
          <select {...p} value={v.endpointId} onChange={(e) => set('endpointId', e.target.value)}>
            <EndpointOptions endpoints={endpoints} />
          </select>
        )}
      </Field>
      <fieldset>
        <legend>{t('desktop.route')}</legend>
        <div className="radio-row" role="radiogroup" aria-label={t('desktop.routeKind')}>
          {(['port', 'prefix', 'gateway'] as const).map((kind) => (
            <label key={kind} className="radio">
              <input type="radio" name="route-kind" value={kind} checked={v.routeKind === kind} onChange={() => setKind(kind)} />
              {t(`desktop.route.${kind}`)}
            </label>
          ))}
        </div>
        <p className="field-hint">{t(`desktop.route.${v.routeKind}.hint`)}</p>
        <Field label={v.routeKind === 'port' ? t('desktop.nlbPort') : t('desktop.port')} error={error('route.port')}>
          {(p) => <input {...p} inputMode="numeric" value={v.port} onChange={(e) => set('port', e.target.value)} />}
        </Field>
        {v.routeKind === 'prefix' && (
          <Field label={t('desktop.agent')} error={error('route.agent')} hint={t('desktop.agentHint')}>
            {(p) => <input {...p} value={v.agent} spellCheck={false} onChange={(e) => set('agent', e.target.value)} />}
          </Field>
        )}
        {v.routeKind === 'gateway' && (
          <>
            <Field label={t('desktop.sessionId')} error={error('route.sessionId')}>
              {(p) => <input {...p} value={v.sessionId} spellCheck={false} onChange={(e) => set('sessionId', e.target.value)} />}
            </Field>
            <Field
              label={
                <>
                  {t('desktop.token')} {hasToken && <span className="badge badge-ok">{t('desktop.tokenSaved')}</span>}
                </>
              }
              hint={hasToken ? t('desktop.tokenReplaceHint') : t('desktop.tokenHint')}
            >
              {(p) => <input {...p} type="password" autoComplete="off" value={v.token} onChange={(e) => set('token', e.target.value)} />}
            </Field>
            <MemoryOnlyNote when={v.token !== ''} />
          </>
        )}
      </fieldset>
      <Field label={t('desktop.webUrlPath')} error={error('webUrlPath')} hint={t('desktop.webUrlPathHint')}>
        {(p) => <input {...p} value={v.webUrlPath} spellCheck={false} onChange={(e) => set('webUrlPath', e.target.value)} />}
      </Field>
      <Field label={t('desktop.tags')} error={error('tags')} hint={t('desktop.tagsHint')}>
        {(p) => <input {...p} value={v.tags} onChange={(e) => set('tags', e.target.value)} />}
      </Field>
      <Field label={t('desktop.notes')} error={error('notes')}>
        {(p) => <textarea {...p} rows={3} value={v.notes} onChange={(e) => set('notes', e.target.value)} />}
      </Field>
      <div className="confirm">
        <input id={favouriteId} type="checkbox" checked={v.favourite} onChange={(e) => set('favourite', e.target.checked)} />
        <label htmlFor={favouriteId}>{t('desktop.favourite')}</label>
      </div>
    </EditorFrame>
  );
}
