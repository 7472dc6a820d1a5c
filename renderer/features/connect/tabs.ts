/**
 * Browser mode's desktop tabs, one per desktop: opened on the tunnel's one-time launch URL,
 * brought forward instead of opened twice, replaced by a tab on a fresh launch URL when the
 * launcher renews a Session Manager token or the user asks to open it again. The tab is
 * disowned (no `opener`), so the desktop's page cannot reach back into the launcher; the
 * launcher keeps its handle to find it again.
 */
export interface DesktopTabs {
  /** Opens the launch URL in a new tab; false when the browser blocked it. */
  open(desktopId: string, url: string): boolean;
  /** Is this desktop's tab still open? */
  isOpen(desktopId: string): boolean;
  /** Brings its tab forward; false when there is none. */
  focus(desktopId: string): boolean;
  /** Replaces its tab with one on another launch URL (a fresh token); false when there is none or the browser blocked the new one. */
  navigate(desktopId: string, url: string): boolean;
}

export function browserTabs(): DesktopTabs {
  const tabs = new Map<string, Window>();
  const live = (id: string): Window | undefined => {
    const tab = tabs.get(id);
    if (tab && tab.closed) tabs.delete(id);
    return tab && !tab.closed ? tab : undefined;
  };
  return {
    open(id, url) {
      const tab = window.open(url, '_blank');
      if (!tab) return false;
      tab.opener = null;
      tabs.set(id, tab);
      return true;
    },
    isOpen: (id) => live(id) !== undefined,
    focus(id) {
      const tab = live(id);
      tab?.focus();
      return tab !== undefined;
    },
    navigate(id, url) {
      const old = live(id);
      if (!old) return false;
      // A disowned tab can be neither sent elsewhere nor closed from here (Chromium: "neither
      // same-origin with the target, nor its opener"), and keeping the opener would let the
      // desktop's page navigate the launcher. So a new tab takes the new launch; the old one is
      // asked to close (browsers that allow it do) and is no longer this desktop's tab.
      const tab = window.open(url, '_blank');
      if (!tab) return false;
      tab.opener = null;
      tabs.set(id, tab);
      old.close();
      return true;
    },
  };
}
