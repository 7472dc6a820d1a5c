import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import type { Handlers, LauncherServices } from '../../preload/contract/api';
import { startDemo } from './demo';

describe('--demo', () => {
  it('starts two simulated agents and seeds a valid catalogue through the API; close() cleans up', async () => {
    const calls: Array<[string, any]> = [];
    const record = (channel: string) => async (r: unknown) => {
      calls.push([channel, r]);
      return { ok: true, value: r };
    };
    const services: LauncherServices = {
      handlers: {
        'endpoint.save': record('endpoint.save'),
        'desktop.save': record('desktop.save'),
        'trust.accept': record('trust.accept'),
        'source.save': record('source.save'),
      } as unknown as Handlers,
      subscribe: () => () => {},
      close: async () => {},
    };
    const failing = {
      ...services,
      handlers: { 'endpoint.save': async () => ({ ok: false, error: { code: 'STORE_ERROR', message: 'disk full' } }) } as unknown as Handlers,
    };
    const demo = await startDemo({ user: 'demo-user' });
    try {
      await expect(demo.seed(failing)).rejects.toThrow('demo: endpoint.save failed: disk full');
      // Every payload passed the contract's schemas (dispatch validates before calling).
      await demo.seed(services);
      expect(calls.map(([c]) => c)).toEqual(['endpoint.save', 'desktop.save', 'desktop.save', 'trust.accept', 'source.save', 'trust.accept']);
      const { broker, gateway } = demo.sessionManager;
      expect(calls[4][1]).toMatchObject({ source: { brokerPort: broker.port, open: { via: 'gateway', port: gateway.port } }, clientPassword: broker.clientPassword });
      expect(calls[5][1]).toEqual({ key: `127.0.0.1:${broker.port}`, fingerprint: broker.fingerprint, persist: true });
      // The Broker lists the user's sessions, one of them still being created.
      expect(broker.sessions().filter((x) => x.owner === 'demo-user').map((x) => x.state)).toEqual(['READY', 'READY', 'CREATING']);
      const [a, b] = demo.agents;
      expect(calls[1][1].desktop.route).toEqual({ kind: 'port', port: a.port });
      expect(calls[2][1].desktop.route).toEqual({ kind: 'port', port: b.port });
      expect(calls[3][1]).toEqual({ key: `127.0.0.1:${a.port}`, fingerprint: a.fingerprint, persist: true });
      const status = await new Promise<number>((resolve, reject) =>
        request({ host: '127.0.0.1', port: a.port, path: '/version', rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end(),
      );
      expect(status).toBe(200);
    } finally {
      await demo.close();
    }
    expect(existsSync(demo.dataDir)).toBe(false);
  });
});
