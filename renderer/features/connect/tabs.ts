/**
 * Browser mode's desktop tabs, one per desktop: opened on the tunnel's one-time launch URL,
 * brought forward instead of opened twice, sent to a fresh launch URL when the launcher renews
 * a Session Manager token. The tab is disowned (no `opener`), so the desktop's page cannot
 * reach back into the launcher; the launcher keeps its handle to find it again.
 */
export interface DesktopTabs {
  /** Opens the launch URL in a new tab; false when the browser blocked it. */
  open(desktopId: string, url: string): boolean;
  /** Is this desktop's tab still open? */
  isOpen(desktopId: string): boolean;
  /** Brings its tab forward; false when there is none. */
  focus(desktopId: string): boolean;
  /** Sends its tab to another launch URL (a fresh token); false when there is none. */
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
      const tab = live(id);
      // Assigning a location is allowed across origins: the tab loads the new launch URL.
      if (tab) tab.location.href = url;
      return tab !== undefined;
    },
  };
}
