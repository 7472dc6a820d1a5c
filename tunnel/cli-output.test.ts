import { describe, expect, it } from 'vitest';
import { failureOf, output } from './cli-output';
import { TunnelError } from './errors';
import { BrokerError } from './session-manager/types';

function capture(json: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const o = output(json, { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } });
  return { o, out, err };
}

describe('output', () => {
  it('json: one object per line; errors also on stderr', () => {
    const { o, out, err } = capture(true);
    o.line({ event: 'ready', port: 1 }, 'text');
    o.error('TLS_PIN_MISMATCH', 'nope', { cause: 'X' });
    expect(out).toEqual(['{"event":"ready","port":1}\n', '{"event":"error","code":"TLS_PIN_MISMATCH","message":"nope","cause":"X"}\n']);
    expect(err).toEqual(['dcv-tunnel: TLS_PIN_MISMATCH: nope\n']);
  });

  it('scrubs registered secrets (and their URL-encoded and JSON-escaped forms) from every line', () => {
    const { o, out, err } = capture(true);
    const token = 'tok/en+with"quote';
    o.secret(token);
    o.secret('short'); // too short to scrub without mangling the output
    o.line({ url: `?authToken=${encodeURIComponent(token)}`, raw: token, short: 'short' }, '');
    o.error('X', `bad ${token}`);
    expect(out.join('')).not.toContain('tok/en');
    expect(out.join('')).not.toContain(encodeURIComponent(token));
    expect(out[0]).toContain('[redacted]');
    expect(out[0]).toContain('short');
    expect(err.join('')).toBe('dcv-tunnel: X: bad [redacted]\n');
  });

  it('text mode writes the text', () => {
    const { o, out } = capture(false);
    o.line({ a: 1 }, 'hello');
    expect(out).toEqual(['hello\n']);
  });
});

describe('failureOf', () => {
  it('a BrokerError keeps its code and names the dial\'s code as cause', () => {
    const e = new BrokerError('BROKER_UNREACHABLE', 'cannot reach', {}, { cause: new TunnelError('PROXY_AUTH_REQUIRED', '407') });
    expect(failureOf(e, 'X')).toEqual({ code: 'BROKER_UNREACHABLE', message: 'cannot reach', extra: { cause: 'PROXY_AUTH_REQUIRED' } });
    expect(failureOf(new BrokerError('SESSION_NOT_FOUND', 'gone'), 'X')).toEqual({ code: 'SESSION_NOT_FOUND', message: 'gone', extra: {} });
    expect(failureOf(new TunnelError('TCP_REFUSED', 'refused'), 'X').code).toBe('TCP_REFUSED');
    expect(failureOf(new Error('odd'), 'UPSTREAM_RESET')).toEqual({ code: 'UPSTREAM_RESET', message: 'odd', extra: {} });
  });
});
