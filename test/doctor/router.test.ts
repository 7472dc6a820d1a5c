/**
 * A path-prefix route through the field's nginx router (real nginx): the doctor adds the
 * prefix like the tunnel, reaches the right agent, and notices that unprefixed paths go to
 * the default agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnoseInput } from '../../tunnel/doctor';
import { needBinaries } from '../peers/binaries';
import { startNginxRouter, type NginxPeer } from '../peers/nginx';
import { startSimulator, type Simulator } from '../sim/simulator';
import { diagnose, expectStep, expectWarning, step } from './helpers';

describe.skipIf(!needBinaries('nginx'))('doctor through the nginx path router', () => {
  let agentA: Simulator;
  let agentB: Simulator;
  let router: NginxPeer;

  beforeAll(async () => {
    agentA = await startSimulator({ host: '127.0.0.2', name: 'agent-A', keepaliveMs: 60_000 });
    agentB = await startSimulator({ host: '127.0.0.3', name: 'agent-B', keepaliveMs: 60_000 });
    router = await startNginxRouter({
      agents: [
        { ip: agentA.host, port: agentA.port },
        { ip: agentB.host, port: agentB.port },
      ],
      defaultAgent: { ip: agentB.host, port: agentB.port },
    });
  });
  afterAll(async () => {
    await router?.close();
    await agentA?.close();
    await agentB?.close();
  });

  const viaRouter = (pathPrefix: string): DiagnoseInput => ({
    upstream: { host: router.host, port: router.port, pathPrefix },
    route: 'DIRECT',
    trust: { kind: 'pin', fingerprints: [router.fingerprint] },
    timeouts: { connectMs: 10_000, handshakeMs: 10_000, httpMs: 10_000 },
  });

  it('diagnoses OK through the prefix, with the sockets on the prefixed agent', async () => {
    const before = agentA.stats().byPath['/auth'] ?? 0;
    const d = await diagnose(viaRouter(`/${agentA.host}/`));
    expectStep(d, 'websocket', 'ok', 'OK');
    expect(agentA.stats().byPath['/auth']).toBe(before + 1);
    expect(agentB.stats().byPath['/auth']).toBeUndefined();
    const h = expectWarning(d, 'http', 'PATH_PREFIX_LEAK');
    expect(h.detail.prefixCheck).toMatchObject({ differs: true });
    expect(h.hint).toContain('default agent');
  });

  it('HTTP_STATUS 502 for a prefix naming no agent, pointing at the router', async () => {
    const d = await diagnose(viaRouter('/127.0.0.9/'));
    const h = expectStep(d, 'http', 'fail', 'HTTP_STATUS');
    expect(h.detail.status).toBe(502);
    expect(h.hint).toContain('nginx');
    expect(step(d, 'websocket').status).toBe('skip');
  });
});
