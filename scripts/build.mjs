// Builds everything that runs outside Vitest: the CLI, the Electron main and preload,
// the browser-mode host, the benchmark, and the renderer (Vite).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync, rmSync, chmodSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
const node = { platform: 'node', target: 'node20', bundle: true, sourcemap: true, logLevel: quiet ? 'error' : 'warning' };
// Native or Electron-provided modules stay external; everything else is bundled so a
// warm start reads one file.
const external = ['electron', 'keytar', 'playwright-core'];
const esm = { ...node, format: 'esm', external, banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } };

rmSync('dist', { recursive: true, force: true });
const entries = [
  { entryPoints: ['tunnel/cli.ts'], outfile: 'dist/dcv-tunnel.mjs', ...esm, banner: { js: '#!/usr/bin/env node\n' + esm.banner.js } },
  { entryPoints: ['main/browser-host/start.ts'], outfile: 'dist/host.mjs', ...esm },
  { entryPoints: ['test/bench/run.ts'], outfile: 'dist/bench.mjs', ...esm },
  { entryPoints: ['test/sim/cli.ts'], outfile: 'dist/sim.mjs', ...esm },
  { entryPoints: ['main/shell/main.ts'], outfile: 'dist/main.cjs', ...node, format: 'cjs', external },
  { entryPoints: ['preload/preload.ts'], outfile: 'dist/preload.cjs', ...node, format: 'cjs', external },
].filter((e) => existsSync(e.entryPoints[0]));
await Promise.all(entries.map((e) => build(e)));
if (existsSync('dist/dcv-tunnel.mjs')) chmodSync('dist/dcv-tunnel.mjs', 0o755);
if (existsSync('renderer/index.html')) {
  await viteBuild({ configFile: 'vite.config.ts', logLevel: quiet ? 'error' : 'warn' });
}
