/**
 * A stand-in for the `electron` package (its install.js is what `npm start` runs) whose installer
 * succeeds, fails or hangs on demand, and whose "Electron binary" records its arguments.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type InstallerBehaviour = 'succeeds' | 'fails' | 'hangs';

export interface FakeElectronPackage {
  dir: string;
  installer: string;
  /** How many times the installer ran. */
  runs(): number;
  /** The environment variables the last installer run saw (only the ones asked about). */
  lastEnv(): Record<string, string | undefined>;
  /** The PID of the last installer run. */
  lastPid(): number;
  /** The installed binary (after a successful install). */
  binary: string;
  setBehaviour(b: InstallerBehaviour): void;
}

const INSTALLER = (behaviour: InstallerBehaviour) => `
const fs = require('fs');
const path = require('path');
fs.appendFileSync(path.join(__dirname, 'runs.log'), 'run\\n');
fs.writeFileSync(path.join(__dirname, 'last-run.json'), JSON.stringify({ pid: process.pid, env: { ELECTRON_GET_USE_PROXY: process.env.ELECTRON_GET_USE_PROXY } }));
const behaviour = ${JSON.stringify(behaviour)};
if (behaviour === 'fails') {
  // What @electron/get prints on a machine that cannot reach GitHub.
  console.error('TypeError: fetch failed');
  process.exit(1);
}
if (behaviour === 'hangs') {
  process.on('SIGTERM', () => {}); // a stuck download that does not even stop when asked
  setInterval(() => {}, 1000);
} else {
  console.log('Downloading electron-v45.4.1 (fake)');
  fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
  const bin = path.join(__dirname, 'dist', 'electron');
  fs.writeFileSync(bin, '#!' + process.execPath + '\\nrequire("fs").writeFileSync(process.env.FAKE_ELECTRON_RECORD, JSON.stringify(process.argv.slice(2)));\\n');
  fs.chmodSync(bin, 0o755);
  fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');
}
`;

export function fakeElectronPackage(dir: string, behaviour: InstallerBehaviour, version = '45.4.1'): FakeElectronPackage {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version }));
  const installer = join(dir, 'install.js');
  const setBehaviour = (b: InstallerBehaviour) => {
    writeFileSync(installer, INSTALLER(b));
    chmodSync(installer, 0o755);
  };
  setBehaviour(behaviour);
  const lastRun = () => JSON.parse(readFileSync(join(dir, 'last-run.json'), 'utf8')) as { pid: number; env: Record<string, string | undefined> };
  return {
    dir,
    installer,
    binary: join(dir, 'dist', 'electron'),
    runs: () => (existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').split('\n').filter(Boolean).length : 0),
    lastEnv: () => lastRun().env,
    lastPid: () => lastRun().pid,
    setBehaviour,
  };
}
