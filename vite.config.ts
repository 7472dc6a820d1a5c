import { defineConfig } from 'vite';

// The renderer is one static bundle served by Electron (file://) or the browser-mode host.
// JSX: Vite 8's oxc transform, automatic runtime (tsconfig "jsx": "react-jsx"); no React plugin.
export default defineConfig({
  root: 'renderer',
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // No inline polyfill script: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
  },
});
