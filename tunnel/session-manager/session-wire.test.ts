import { describe, expect, it } from 'vitest';
import { portOf, sessionFromWire, sessionsFromWire, tagsOf } from './session-wire';

describe('sessionFromWire', () => {
  it('reads a full Session (Port string → number, Tags → record, Endpoints)', () => {
    expect(
      sessionFromWire({
        Id: 'abc',
        Name: 'desk',
        Owner: 'alice',
        Type: 'VIRTUAL',
        State: 'READY',
        Substate: 'PENDING_PREPARATION',
        StateReason: 'why',
        CreationTime: '2025-01-01T00:00:00Z',
        LastDisconnectionTime: '2025-01-02T00:00:00Z',
        NumOfConnections: 2,
        MaxConcurrentClients: 4,
        Server: {
          Id: 'srv',
          Ip: '10.0.0.5',
          Hostname: 'ip-10-0-0-5',
          DefaultDnsName: 'ip-10-0-0-5.ec2.internal',
          Port: '8443',
          WebUrlPath: '/dcv/',
          Endpoints: [{ IpAddress: '10.0.0.5', Port: 8443, Protocol: 'HTTP', WebUrlPath: '/dcv/' }, { IpAddress: '10.0.0.5', Port: 8443, Protocol: 'QUIC' }],
          Tags: [{ Key: 'os', Value: 'linux' }, { Key: 'empty' }],
        },
      }),
    ).toEqual({
      id: 'abc',
      name: 'desk',
      owner: 'alice',
      type: 'VIRTUAL',
      state: 'READY',
      substate: 'PENDING_PREPARATION',
      stateReason: 'why',
      creationTime: '2025-01-01T00:00:00Z',
      lastDisconnectionTime: '2025-01-02T00:00:00Z',
      numOfConnections: 2,
      maxConcurrentClients: 4,
      server: {
        id: 'srv',
        ip: '10.0.0.5',
        hostname: 'ip-10-0-0-5',
        defaultDnsName: 'ip-10-0-0-5.ec2.internal',
        port: 8443,
        webUrlPath: '/dcv/',
        endpoints: [
          { address: '10.0.0.5', port: 8443, protocol: 'HTTP', webUrlPath: '/dcv/' },
          { address: '10.0.0.5', port: 8443, protocol: 'QUIC', webUrlPath: '/' },
        ],
        tags: { os: 'linux', empty: '' },
      },
    });
  });

  it('a bare Session: neutral values, never a crash', () => {
    expect(sessionFromWire({ Id: 'x' })).toEqual({ id: 'x', name: '', owner: '', type: '', state: 'UNKNOWN', server: { ip: '', hostname: '', webUrlPath: '/', endpoints: [], tags: {} } });
  });

  it('fields of the wrong JSON type are ignored', () => {
    const s = sessionFromWire({ Id: 'x', Name: 5, Owner: null, State: {}, NumOfConnections: '3', Server: { Port: 'eighty', Ip: 7, Tags: 'os=linux', Endpoints: [null, { IpAddress: 'a' }, 'x'] } });
    expect(s).toEqual({ id: 'x', name: '', owner: '', type: '', state: 'UNKNOWN', server: { ip: '', hostname: '', webUrlPath: '/', endpoints: [], tags: {} } });
  });

  it.each([undefined, null, 'x', [], {}, { Id: '' }, { Id: 42 }, { Name: 'no id' }])('no usable Id (%j) → undefined', (v) => {
    expect(sessionFromWire(v)).toBeUndefined();
  });
});

describe('sessionsFromWire', () => {
  it('drops and counts the sessions it cannot use', () => {
    expect(sessionsFromWire([{ Id: 'a' }, { Name: 'no id' }, null, { Id: 'b' }])).toMatchObject({ sessions: [{ id: 'a' }, { id: 'b' }], skipped: 2 });
    expect(sessionsFromWire(undefined)).toEqual({ sessions: [], skipped: 0 });
  });
});

describe('portOf and tagsOf', () => {
  it.each([
    ['8443', 8443],
    [8443, 8443],
    [' 443 ', 443],
    ['0', undefined],
    ['65536', undefined],
    ['84a3', undefined],
    [8443.5, undefined],
    [null, undefined],
  ])('portOf(%j) = %j', (v, want) => {
    expect(portOf(v)).toBe(want);
  });

  it('tags: later keys win, non-string keys are skipped', () => {
    expect(tagsOf([{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }, { Key: 3, Value: 'x' }, { Value: 'y' }])).toEqual({ a: '2' });
    expect(tagsOf({ a: '1' })).toEqual({});
  });
});
