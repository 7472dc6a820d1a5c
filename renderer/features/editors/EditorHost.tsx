import { useFeature } from '../../app/services';
import { DesktopEditor } from './DesktopEditor';
import { EndpointEditor } from './EndpointEditor';
import { ImportDialog } from './ImportDialog';
import { ProfileEditor } from './ProfileEditor';
import { SourceEditor } from './SourceEditor';

export function EditorHost() {
  const open = useFeature('editors', (s) => s.open);
  if (!open) return null;
  // A key per item: opening another item starts a fresh form.
  switch (open.kind) {
    case 'endpoint':
      return <EndpointEditor key={`endpoint-${open.id ?? 'new'}`} id={open.id} />;
    case 'desktop':
      return <DesktopEditor key={`desktop-${open.id ?? 'new'}`} id={open.id} endpointId={open.endpointId} />;
    case 'profile':
      return <ProfileEditor key={`profile-${open.id ?? 'new'}`} id={open.id} desktopId={open.desktopId} />;
    case 'source':
      return <SourceEditor key={`source-${open.id ?? 'new'}`} id={open.id} />;
    case 'import':
      return <ImportDialog key="import" initialFormat={open.format} />;
  }
}
