import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// Launching lives apart from the test helpers: the benchmark bundle starts Chromium without Vitest.
export { launchChromium, spkiHashOfCert, type LaunchChromiumOptions } from './chromium-launch';

/** Where screenshots go (git-ignored). */
export const TEST_RESULTS_DIR = join(process.cwd(), 'test-results');

export function screenshotPath(name: string): string {
  mkdirSync(TEST_RESULTS_DIR, { recursive: true });
  return join(TEST_RESULTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
}

/**
 * Waits for the simulator's page to settle, then expects it connected to `agent` and `session`
 * with the auth token, and every channel's WebSocket open.
 */
export async function expectDesktopConnected(page: Page, want: { agent: string; session: string }): Promise<void> {
  await page.locator('#status', { hasText: /^(connected|failed|disconnected)$/ }).waitFor({ timeout: 30_000 });
  expect(await page.locator('#error').textContent()).toBe('');
  expect(await page.locator('#status').textContent()).toBe('connected');
  expect(await page.locator('#agent').textContent()).toBe(want.agent);
  expect(await page.locator('#session').textContent()).toBe(want.session);
  expect(await page.locator('#token-present').textContent()).toBe('true');
  const states = await page.locator('li[data-channel]').evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-channel'), e.getAttribute('data-state')])),
  );
  expect(states).toEqual({ main: 'open', display: 'open', input: 'open', clipboard: 'open', audio: 'open' });
}
