/**
 * A whole simulated DCV Session Manager on loopback: a Broker, two agents that check every
 * token with it (dcv.conf's auth-token-verifier), and a Connection Gateway that asks the
 * Broker's resolver where each session is. Sessions of `user`: "Design review" and "Build
 * server" (READY), "Render farm" (CREATING, READY after `creatingMs`), plus a colleague's.
 * Used by the demo and the end-to-end tests.
 */
import { freePort } from '../peers/process';
import { startBroker, type BrokerSim } from './broker';
import { makeSelfSignedCert } from './cert';
import { startGateway, type Gateway } from './gateway';
import { startSimulator, type Simulator } from './simulator';

export interface SimSessionManager {
  broker: BrokerSim;
  gateway: Gateway;
  agents: Simulator[];
  sessionIds: { ready: string[]; creating: string };
  close(): Promise<void>;
}

export async function startSessionManager(options: { user: string; creatingMs?: number; creationDelayMs?: number }): Promise<SimSessionManager> {
  const { user } = options;
  // The agents need the Broker's verifier address and certificate before the Broker lists them.
  const brokerCert = makeSelfSignedCert({ cn: 'dcvsmbroker' });
  const verifierPort = await freePort('127.0.0.1');
  const verifier = { url: `https://127.0.0.1:${verifierPort}/agent/validate-authentication-token`, ca: brokerCert.cert };
  const ids = ['design-review', 'build-server', 'render-farm'];
  // A new desktop is created on a server the Broker picks: that agent has it from then on.
  let broker: BrokerSim | undefined;
  const placedOn = (serverId: string) => (sessionId: string) => broker?.sessions().some((x) => x.id === sessionId && x.serverId === serverId) ?? false;
  const agents = await Promise.all([
    startSimulator({ name: 'agent-C', sessions: [ids[0], ids[2]], authTokenVerifier: verifier, hasSession: placedOn('agent-c') }),
    startSimulator({ name: 'agent-D', sessions: [ids[1]], authTokenVerifier: verifier, hasSession: placedOn('agent-d') }),
  ]);
  const [c, d] = agents;
  broker = await startBroker({
    cert: brokerCert,
    verifierPort,
    servers: [
      { id: 'agent-c', ip: '127.0.0.1', hostname: 'agent-c.demo', port: c.port, tags: { os: 'linux', gpu: 'yes' } },
      { id: 'agent-d', ip: '127.0.0.1', hostname: 'agent-d.demo', port: d.port, tags: { os: 'linux', team: 'build' } },
    ],
    creationDelayMs: options.creationDelayMs ?? 1500,
    sessions: [
      { id: ids[0], name: 'Design review', owner: user, serverId: 'agent-c', numOfConnections: 1, lastDisconnectionTime: new Date(Date.now() - 3_600_000) },
      { id: ids[1], name: 'Build server', owner: user, serverId: 'agent-d' },
      { id: ids[2], name: 'Render farm', owner: user, serverId: 'agent-c', state: 'CREATING' },
      { id: 'someone-else', name: 'Not yours', owner: `${user}-colleague`, serverId: 'agent-d' },
    ],
  });
  const gateway = await startGateway({ resolverUrl: broker.resolverUrl, resolverCa: broker.certPem, name: 'demo-gateway' });
  const started = broker;
  // The seeded CREATING session gets ready by itself after a while, as a real one would.
  const ready = setTimeout(() => started.setState(ids[2], 'READY'), options.creatingMs ?? 60_000);
  ready.unref();
  return {
    broker: started,
    gateway,
    agents,
    sessionIds: { ready: [ids[0], ids[1]], creating: ids[2] },
    close: async () => {
      clearTimeout(ready);
      await Promise.allSettled([...agents, gateway, started].map((x) => x.close()));
    },
  };
}
