import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserTabs } from './tabs';

/** A tab as `window.open` returns it: its opener can be cut, it can be closed and focused. */
function fakeWindow(url: string) {
  return { url, opener: {} as unknown, closed: false, focus: vi.fn(), close: vi.fn(function (this: { closed: boolean }) { this.closed = true; }) };
}

describe('browserTabs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('opens a disowned tab, finds it again, and forgets it once closed', () => {
    const opened: ReturnType<typeof fakeWindow>[] = [];
    vi.spyOn(window, 'open').mockImplementation((url) => {
      const w = fakeWindow(String(url));
      opened.push(w);
      return w as unknown as Window;
    });
    const tabs = browserTabs();
    expect(tabs.open('d1', 'https://127.0.0.1:1/__launch/a')).toBe(true);
    expect(opened[0].opener).toBeNull();
    expect(tabs.isOpen('d1')).toBe(true);
    expect(tabs.focus('d1')).toBe(true);
    expect(opened[0].focus).toHaveBeenCalled();
    opened[0].closed = true;
    expect(tabs.isOpen('d1')).toBe(false);
    expect(tabs.focus('d1')).toBe(false);
  });

  it('navigate replaces the tab (a disowned tab cannot be navigated from here) and closes the old one only once the new one opened', () => {
    const opened: ReturnType<typeof fakeWindow>[] = [];
    let blocked = false;
    vi.spyOn(window, 'open').mockImplementation((url) => {
      if (blocked) return null;
      const w = fakeWindow(String(url));
      opened.push(w);
      return w as unknown as Window;
    });
    const tabs = browserTabs();
    expect(tabs.navigate('d1', 'https://127.0.0.1:1/__launch/x')).toBe(false); // no tab yet
    tabs.open('d1', 'https://127.0.0.1:1/__launch/a');

    blocked = true;
    expect(tabs.navigate('d1', 'https://127.0.0.1:1/__launch/b')).toBe(false);
    expect(opened[0].close).not.toHaveBeenCalled();
    expect(tabs.isOpen('d1')).toBe(true);

    blocked = false;
    expect(tabs.navigate('d1', 'https://127.0.0.1:2/__launch/c')).toBe(true);
    expect(opened[0].close).toHaveBeenCalled();
    expect(opened[1]).toMatchObject({ url: 'https://127.0.0.1:2/__launch/c', opener: null });
    tabs.focus('d1');
    expect(opened[1].focus).toHaveBeenCalled();
  });
});
