import type { LauncherApi } from '../../../preload/contract/api';
import type { StoreApi } from 'zustand/vanilla';
import { downloadText, mimeFor } from '../../ui/download';
import type { ToastsState } from '../toasts/store';

/** export.json → a file for the user, or an error toast. */
export async function exportToFile(api: LauncherApi, toasts: StoreApi<ToastsState>, what: { kind: 'json' }): Promise<void> {
  const result = await api.invoke(`export.${what.kind}`, {});
  if (!result.ok) {
    toasts.getState().push({ tone: 'error', message: { key: 'toast.exportFailed' }, detail: result.error.message });
    return;
  }
  downloadText(result.value.fileName, result.value.text, mimeFor(result.value.fileName));
  toasts.getState().push({ tone: 'success', message: { key: 'toast.exported', params: { file: result.value.fileName } } });
}
