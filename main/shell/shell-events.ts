/**
 * The events the shell itself sends the launcher's renderer (File ▸ Import…, deep links, Help ▸
 * Troubleshooting): the services' own events go through ipc.ts. A page that has not subscribed
 * yet would drop them — a deep link at start-up arrives before the renderer runs — so they are
 * held until the launcher's page calls 'catalogue.get' (the renderer subscribes to every event
 * first: renderer/app/services.tsx), and held again after each navigation or new window.
 */
import type { WebContents } from 'electron';
import type { Events } from '../../preload/contract/api';
import { EVENT_CHANNEL } from '../../preload/ipc-names';

export type ShellEventName = 'import.file' | 'connect.request' | 'view.show';

/** More than this many waiting (a page that never loads): the oldest go. */
const HELD_MAX = 8;

export class ShellEvents {
  /** The webContents whose current page listens; undefined until it calls catalogue.get. */
  private listening: WebContents | undefined;
  private held: Array<{ event: ShellEventName; payload: unknown }> = [];
  private readonly watched = new WeakSet<WebContents>();

  constructor(private readonly launcher: () => WebContents | undefined) {}

  send<E extends ShellEventName>(event: E, payload: Events[E]): void {
    this.held.push({ event, payload });
    if (this.held.length > HELD_MAX) this.held.splice(0, this.held.length - HELD_MAX);
    this.flush();
  }

  /** ipc.ts: the launcher's page made a call (already checked to come from it). */
  called(channel: unknown): void {
    const contents = this.launcher();
    if (channel !== 'catalogue.get' || !contents || contents.isDestroyed()) return;
    this.watch(contents);
    this.listening = contents;
    this.flush();
  }

  /** A page that navigates (a reload) listens again only after its next catalogue.get. */
  watch(contents: WebContents): void {
    if (this.watched.has(contents)) return;
    this.watched.add(contents);
    contents.on('did-navigate', () => {
      if (this.listening === contents) this.listening = undefined;
    });
  }

  private flush(): void {
    const contents = this.launcher();
    if (!contents || contents.isDestroyed() || contents !== this.listening) return;
    for (const { event, payload } of this.held.splice(0)) contents.send(EVENT_CHANNEL, { event, payload });
  }
}
