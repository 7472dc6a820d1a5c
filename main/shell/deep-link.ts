/**
 * Deep links: `dcv-launcher://connect/<profileId>` opens that profile. They arrive in argv
 * (Windows, Linux; also a second instance's argv) or as macOS open-url events.
 */
import type { Handlers, OpenResult } from '../../preload/contract/api';
import { Id } from '../../preload/contract/model';
import { dispatch } from '../dispatch';

export const DEEP_LINK_SCHEME = 'dcv-launcher';

export function parseDeepLink(url: string): { profileId: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${DEEP_LINK_SCHEME}:` || u.host !== 'connect') return undefined;
  // Browsers and shells sometimes add a trailing slash.
  const profileId = decodeURIComponentSafe(u.pathname.replace(/^\//, '').replace(/\/$/, ''));
  return profileId !== undefined && Id.safeParse(profileId).success ? { profileId } : undefined;
}

/** The deep link among command-line arguments (Chromium may add its own switches around it). */
export function findDeepLink(argv: readonly string[]): string | undefined {
  return argv.find((a) => a.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`));
}

export type DeepLinkOutcome =
  | { kind: 'opened'; result: Extract<OpenResult, { kind: 'opened' }> }
  | { kind: 'problem'; message: string };

/** Opens a profile the way the renderer's Connect does; the services' openDesktop shows it (a window or the browser). */
export async function openProfile(handlers: Handlers, profileId: string): Promise<DeepLinkOutcome> {
  const view = await dispatch(handlers, 'catalogue.get', {});
  if (!view.ok) return { kind: 'problem', message: view.error.message };
  const profile = (view.value as { catalogue: { profiles: Array<{ id: string; desktopId: string }> } }).catalogue.profiles.find((p) => p.id === profileId);
  if (!profile) return { kind: 'problem', message: `There is no profile "${profileId}" in the catalogue.` };
  const opened = await dispatch(handlers, 'connection.open', { desktopId: profile.desktopId, profileId });
  if (!opened.ok) return { kind: 'problem', message: opened.error.message };
  const result = opened.value as OpenResult;
  switch (result.kind) {
    case 'opened':
      return { kind: 'opened', result };
    case 'needs-trust':
    case 'certificate-changed':
      return { kind: 'problem', message: `The certificate of ${result.inspection.key} needs your decision: connect from the launcher window to review it.` };
    case 'needs-proxy-credentials':
      return { kind: 'problem', message: `The proxy ${result.proxy} needs a user name and password: connect from the launcher window to enter them.` };
    case 'failed':
      return { kind: 'problem', message: `${result.message}${result.hint ? `\n\n${result.hint}` : ''}` };
  }
}

function decodeURIComponentSafe(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
