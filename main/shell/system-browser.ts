/**
 * The system browser, as the Electron shell uses it: a 'browser' profile's desktop, and links
 * pages ask to open. shell.openExternal runs the platform's opener (xdg-open on Linux) with the
 * URL as an argument, which every local user can read: a launch URL goes there only inside a
 * private launch file (main/launch-file.ts); any other http(s) link as it is.
 */
import { shell } from 'electron';
import { defaultBrowserSnap, launchFolderFor, type LaunchFiles } from '../launch-file';
import { externalUrl } from './security';

/** A launch URL of a local tunnel: what must never be a command-line argument. */
const LAUNCH_URL = /^https:\/\/127\.0\.0\.1:\d{1,5}\/__launch\//;

export interface SystemBrowserOptions {
  /** The app's data folder; launch files go in its `launch` folder (or a Snap browser's own). */
  dataDir: string;
  files: LaunchFiles;
  /** The default browser's snap, if it is one (tests: none). */
  defaultBrowserSnap?: () => Promise<string | undefined>;
}

export class SystemBrowser {
  private snap: Promise<string | undefined> | undefined;

  constructor(private readonly options: SystemBrowserOptions) {}

  /** A tunnel's launch URL, through a launch file. */
  async openLaunch(launchUrl: string): Promise<void> {
    this.snap ??= (this.options.defaultBrowserSnap ?? defaultBrowserSnap)();
    const fileUrl = this.options.files.write(launchFolderFor(await this.snap, this.options.dataDir), launchUrl);
    // eng-disable OPEN_EXTERNAL_JS_CHECK: a file:// URL of the launch file LaunchFiles.write just made (0600, a redirect to a checked local launch URL)
    await shell.openExternal(fileUrl);
  }

  /** A link a page asked to open: http(s) without credentials only; a launch URL through a file. */
  async openLink(url: string): Promise<void> {
    const external = externalUrl(url);
    if (!external) return;
    if (LAUNCH_URL.test(external)) return this.openLaunch(external);
    // eng-disable OPEN_EXTERNAL_JS_CHECK: externalUrl() passes only http(s) URLs without credentials (tested in security.test.ts)
    await shell.openExternal(external);
  }

  /** At quit: the launch files still there go. */
  dispose(): void {
    this.options.files.dispose();
  }
}
