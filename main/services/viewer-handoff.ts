/**
 * Hands a `.dcv` file to DCV Viewer, the native client. The file may carry a short-lived
 * Session Manager token, so it is written where only this user can read it (a fresh 0700
 * folder, the file 0600, never overwriting anything), handed to the viewer, and deleted once the
 * viewer has had time to read it — and at the latest when the launcher quits.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where DCV Viewer is and how to start it with a file. */
export interface ViewerLauncher {
  /** A name for messages ("dcvviewer", "DCV Viewer.app"), or undefined when it is not installed. */
  find(): Promise<string | undefined>;
  open(file: string): Promise<void>;
}

export interface ViewerHandoffOptions {
  launcher?: ViewerLauncher;
  /** Default the OS temporary folder. */
  tmpRoot?: string;
  /** How long the viewer has to read the file before it is deleted. Default 60 s. */
  deleteAfterMs?: number;
}

export type ViewerHandoff = ReturnType<typeof createViewerHandoff>;

export function createViewerHandoff(options: ViewerHandoffOptions = {}) {
  const launcher = options.launcher ?? systemViewer();
  const deleteAfterMs = options.deleteAfterMs ?? 60_000;
  const pending = new Map<string, NodeJS.Timeout>();

  const remove = async (dir: string) => {
    clearTimeout(pending.get(dir));
    pending.delete(dir);
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };

  return {
    /** The viewer's name when one is installed (the UI offers "Open in DCV Viewer" or says how to get it). */
    available: (): Promise<string | undefined> => launcher.find(),

    /** Writes the file privately, starts the viewer on it; undefined when no viewer is installed. */
    async handOver(file: { fileName: string; text: string }): Promise<{ viewer: string } | undefined> {
      const viewer = await launcher.find();
      if (!viewer) return undefined;
      const dir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'dcv-launcher-viewer-'));
      const path = join(dir, file.fileName);
      try {
        await writeFile(path, file.text, { mode: 0o600, flag: 'wx' });
        await launcher.open(path);
      } catch (e) {
        await remove(dir);
        throw e;
      }
      pending.set(dir, setTimeout(() => void remove(dir), deleteAfterMs).unref());
      return { viewer };
    },

    /** On quit: every file not yet deleted goes now. */
    close: () => Promise.all([...pending.keys()].map(remove)).then(() => undefined),
  };
}

/**
 * DCV Viewer as installed: `dcvviewer` on PATH (Linux packages, Windows' bin folder), the
 * Windows installer's folders, or the macOS app bundle. Started detached: it outlives the call.
 */
export function systemViewer(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): ViewerLauncher {
  const onPath = (name: string) => (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name)).find((p) => existsSync(p));
  const locate = (): { command: string; args: (file: string) => string[]; name: string } | undefined => {
    if (platform === 'darwin') {
      const app = ['/Applications/DCV Viewer.app', '/Applications/NICE DCV Viewer.app'].find((p) => existsSync(p));
      return app ? { command: 'open', args: (f) => ['-a', app, f], name: app.split('/').pop()! } : undefined;
    }
    if (platform === 'win32') {
      const roots = [env.ProgramFiles, env['ProgramFiles(x86)']].filter((r): r is string => Boolean(r));
      const exe =
        onPath('dcvviewer.exe') ??
        roots.flatMap((r) => [join(r, 'NICE', 'DCV', 'Client', 'bin', 'dcvviewer.exe'), join(r, 'Amazon', 'DCV Viewer', 'bin', 'dcvviewer.exe')]).find((p) => existsSync(p));
      return exe ? { command: exe, args: (f) => [f], name: 'dcvviewer.exe' } : undefined;
    }
    const bin = onPath('dcvviewer') ?? ['/usr/bin/dcvviewer', '/opt/nice/dcv-viewer/bin/dcvviewer'].find((p) => existsSync(p));
    return bin ? { command: bin, args: (f) => [f], name: 'dcvviewer' } : undefined;
  };
  return {
    find: async () => locate()?.name,
    open: (file) =>
      new Promise((resolve, reject) => {
        const found = locate();
        if (!found) return reject(new Error('DCV Viewer is not installed'));
        const child = spawn(found.command, found.args(file), { detached: true, stdio: 'ignore' });
        child.once('error', reject);
        child.once('spawn', () => {
          child.unref();
          resolve();
        });
      }),
  };
}
