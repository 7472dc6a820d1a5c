import { defineConfig } from 'vite';

// The renderer is one static bundle served by Electron (file://) or the browser-mode host.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
});
