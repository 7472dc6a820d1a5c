/**
 * Deep links: `dcv-launcher://connect/<profileId>` asks to open that profile. They arrive in
 * argv (Windows, Linux; also a second instance's argv) or as macOS open-url events — from any
 * program or web page — so the launcher window first shows which desktop, on which host, with
 * which profile, and its own Connect runs only when the user confirms (LinkConfirmDialog).
 */
import type { ApiError, CatalogueView, Events, Handlers } from '../../preload/contract/api';
import { Id } from '../../preload/contract/model';
import { dispatch } from '../dispatch';
import type { ShellTexts } from './texts';

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

/**
 * What a link to a profile becomes: a Connect the launcher window offers ('connect.request') and
 * runs once the user confirms, so trust, proxy credentials, a Session Manager password and
 * failures are all asked and worded there, in the user's language, as from the list.
 */
export type DeepLinkTarget =
  | { kind: 'connect'; request: Events['connect.request'] }
  | { kind: 'no-profile'; profileId: string }
  | { kind: 'no-catalogue'; error: ApiError };

export async function resolveDeepLink(handlers: Handlers, profileId: string): Promise<DeepLinkTarget> {
  const view = await dispatch(handlers, 'catalogue.get', {});
  if (!view.ok) return { kind: 'no-catalogue', error: view.error };
  const profile = (view.value as CatalogueView).catalogue.profiles.find((p) => p.id === profileId);
  if (!profile) return { kind: 'no-profile', profileId };
  return { kind: 'connect', request: { desktopId: profile.desktopId, profileId } };
}

export interface FollowLinkDeps {
  handlers: Handlers;
  texts: ShellTexts;
  /** To the launcher window (shell-events.ts), whose Connect opens it. */
  connect(request: Events['connect.request']): void;
  /** A native box, for what only the shell knows (a malformed link, an unknown profile). */
  problem(message: string, detail: string): Promise<unknown>;
}

/** Follows one link: the launcher window connects, or the shell says why it cannot, in the user's language. */
export async function followDeepLink(url: string, { handlers, texts, connect, problem }: FollowLinkDeps): Promise<void> {
  const link = parseDeepLink(url);
  if (!link) return void (await problem(texts.linkInvalid.message, texts.linkInvalid.detail(url)));
  const target = await resolveDeepLink(handlers, link.profileId);
  switch (target.kind) {
    case 'connect':
      return connect(target.request);
    case 'no-profile':
      return void (await problem(texts.linkNoProfile.message, texts.linkNoProfile.detail(target.profileId)));
    case 'no-catalogue':
      return void (await problem(texts.linkNoCatalogue, texts.original(target.error.message)));
  }
}

function decodeURIComponentSafe(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
