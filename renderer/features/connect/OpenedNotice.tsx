import { useServices, useActions } from '../../app/services';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { downloadText, mimeFor } from '../../ui/download';
import { Modal } from '../../ui/Modal';
import type { Opened } from './store';

function messageFor(mode: 'electron' | 'browser', result: Opened, tabOpened: boolean): MessageKey {
  if (result.viewer?.handedOver) return result.viewer.tokenExpires ? 'opened.viewerToken' : 'opened.viewer';
  if (result.openIn === 'dcv-file') return result.dcvFile ? 'opened.dcvFile' : 'opened.noViewer';
  if (mode === 'browser') return tabOpened ? 'opened.tab' : 'opened.tabBlocked';
  return result.openIn === 'browser' ? 'opened.browser' : 'opened.window';
}

export function OpenedNotice({ result, tabOpened, name }: { result: Opened; tabOpened: boolean; name: string }) {
  const t = useT();
  const { api } = useServices();
  const connect = useActions('connect');
  const showLink = api.mode === 'browser' && result.openIn !== 'dcv-file';
  return (
    <Modal title={t('opened.title', { name })} onClose={connect.dismiss}>
      <p role="status">{t(messageFor(api.mode, result, tabOpened), { viewer: result.viewer?.handedOver ? result.viewer.name : '' })}</p>
      {result.openIn === 'dcv-file' && !result.viewer?.handedOver && <p className="muted">{t('opened.getViewer')}</p>}
      <div className="modal-actions">
        {result.dcvFile && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => result.dcvFile && downloadText(result.dcvFile.fileName, result.dcvFile.text, mimeFor(result.dcvFile.fileName))}
          >
            {t('opened.download', { file: result.dcvFile.fileName })}
          </button>
        )}
        {showLink && (
          <a className="btn" href={result.launchUrl} target="_blank" rel="noopener noreferrer">
            {t(tabOpened ? 'opened.openAgain' : 'opened.openLink')}
          </a>
        )}
        <button type="button" className={`btn${result.dcvFile ? '' : ' btn-primary'}`} onClick={connect.dismiss}>
          {t('action.close')}
        </button>
      </div>
    </Modal>
  );
}
