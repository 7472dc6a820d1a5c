import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rendererCsp, rendererHeaders, resolveRendererFile } from './renderer-files';

describe('rendererHeaders', () => {
  it('asks for an origin-keyed agent cluster, so a desktop tab on another 127.0.0.1 port gets its own renderer process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renderer-files-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const file = resolveRendererFile(dir, '/')!;
    const headers = rendererHeaders(file, rendererCsp());
    expect(headers['Origin-Agent-Cluster']).toBe('?1');
    expect(headers['Cache-Control']).toBe('no-store');
  });
});
