import { useId, useState } from 'react';
import { Profile } from '../../../preload/contract/model';
import { useActions, useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Field } from '../../ui/Field';
import { EditorFrame } from './EditorFrame';
import { newId, toNumber, useForm } from './useForm';

interface Values {
  name: string;
  desktopId: string;
  openIn: Profile['openIn'];
  width: string;
  height: string;
  fullScreen: boolean;
  localPort: string;
}

const PATHS = ['name', 'desktopId', 'openIn', 'window.width', 'window.height', 'localPort'];

function valuesOf(p: Profile | undefined, desktopId: string): Values {
  return {
    name: p?.name ?? '',
    desktopId: p?.desktopId ?? desktopId,
    openIn: p?.openIn ?? 'window',
    width: String(p?.window.width ?? 1280),
    height: String(p?.window.height ?? 800),
    fullScreen: p?.window.fullScreen ?? false,
    localPort: p?.localPort ? String(p.localPort) : '',
  };
}

export function ProfileEditor({ id, desktopId }: { id?: string; desktopId?: string }) {
  const t = useT();
  const existing = useFeature('catalogue', (s) => s.view?.catalogue.profiles.find((p) => p.id === id));
  const desktops = useFeature('catalogue', (s) => s.view?.catalogue.desktops);
  const catalogue = useActions('catalogue');
  const fullScreenId = useId();
  const [profileId] = useState(() => existing?.id ?? newId('profile'));
  const form = useForm(
    valuesOf(existing, desktopId ?? desktops?.[0]?.id ?? ''),
    Profile,
    (v) => ({
      id: profileId,
      name: v.name,
      desktopId: v.desktopId,
      openIn: v.openIn,
      window: { width: toNumber(v.width), height: toNumber(v.height), fullScreen: v.fullScreen },
      localPort: toNumber(v.localPort),
    }),
    { fieldPaths: PATHS },
  );
  const { values: v, set, error } = form;

  return (
    <EditorFrame kind="profile" existing={existing} form={form} save={(profile) => catalogue.saveProfile(profile)}>
      <Field label={t('profile.name')} error={error('name')}>
        {(p) => <input {...p} value={v.name} onChange={(e) => set('name', e.target.value)} />}
      </Field>
      <Field label={t('profile.desktop')} error={error('desktopId')}>
        {(p) => (
          <select {...p} value={v.desktopId} onChange={(e) => set('desktopId', e.target.value)}>
            {(desktops ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('profile.openIn')} error={error('openIn')}>
        {(p) => (
          <select {...p} value={v.openIn} onChange={(e) => set('openIn', e.target.value as Values['openIn'])}>
            <option value="window">{t('profile.openIn.window')}</option>
            <option value="browser">{t('profile.openIn.browser')}</option>
            <option value="dcv-file">{t('profile.openIn.dcv-file')}</option>
          </select>
        )}
      </Field>
      {v.openIn === 'window' && (
        <fieldset>
          <legend>{t('profile.window')}</legend>
          <div className="row">
            <Field label={t('profile.width')} error={error('window.width')}>
              {(p) => <input {...p} inputMode="numeric" value={v.width} onChange={(e) => set('width', e.target.value)} />}
            </Field>
            <Field label={t('profile.height')} error={error('window.height')}>
              {(p) => <input {...p} inputMode="numeric" value={v.height} onChange={(e) => set('height', e.target.value)} />}
            </Field>
          </div>
          <div className="confirm">
            <input id={fullScreenId} type="checkbox" checked={v.fullScreen} onChange={(e) => set('fullScreen', e.target.checked)} />
            <label htmlFor={fullScreenId}>{t('profile.fullScreen')}</label>
          </div>
        </fieldset>
      )}
      <Field label={t('profile.localPort')} error={error('localPort')} hint={t('profile.localPortHint')}>
        {(p) => <input {...p} inputMode="numeric" value={v.localPort} onChange={(e) => set('localPort', e.target.value)} />}
      </Field>
    </EditorFrame>
  );
}
