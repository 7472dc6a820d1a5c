import { defineConfig } from 'vitest/config';

// Two kinds of tests: plain Node (tunnel, services, peers) and the renderer (jsdom).
// Real peers (nginx, squid, Chromium) are slow to start on a 2-core machine, hence the
// generous timeouts; nothing here asserts on time.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['tunnel/**/*.test.ts', 'main/**/*.test.ts', 'preload/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.tsx', 'renderer/**/*.test.ts'],
          setupFiles: ['renderer/test-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // Browser tests share one Chromium at a time: two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
