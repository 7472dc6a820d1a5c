/**
 * fast-check arbitraries for DCV's first messages (tunnel/session-manager/dcv-messages.ts): every
 * field the web client and the server set, with the edges of each type. Shared by the codec's
 * own properties and the simulator page codec's byte-for-byte comparison.
 */
import fc from 'fast-check';
import {
  AbortReason,
  type AuthClientMessage,
  type AuthServerMessage,
  type PeerInfo,
  type SetupClientMessage,
  type SetupServerMessage,
} from '../session-manager/dcv-messages';

/** Any Unicode (no lone surrogates, which UTF-8 cannot carry), Japanese and a leading BOM included. */
export const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('日本語', '\ufeffbom', 'console', '', 'セッション 1'));
export const nonEmptyText = text.filter((s) => s !== '');
export const uint32 = fc.oneof(fc.constantFrom(0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 - 1), fc.nat({ max: 2 ** 32 - 1 }));
export const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
export const data = fc.uint8Array({ maxLength: 300 });

export const peerInfo: fc.Arbitrary<PeerInfo> = fc.record(
  {
    name: text,
    version: fc.record({ major: uint32, minor: uint32, revision: uint32 }),
    os: text,
    arch: text,
    hostname: text,
  },
  { requiredKeys: ['name', 'os', 'arch', 'hostname'] },
);
export const protocolVersion = fc.record({ major: uint32, minor: uint32 });

export const setupClientMessages: fc.Arbitrary<SetupClientMessage> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('connectionRequest' as const),
      sessionId: text,
      authenticationToken: text,
      clientInfo: peerInfo,
      maxProtocolVersion: protocolVersion,
      extensionData: nonEmptyText,
    },
    { requiredKeys: ['kind', 'sessionId', 'authenticationToken'] },
  ),
  fc.record(
    {
      kind: fc.constant('channelConnectionRequest' as const),
      sessionId: text,
      connectionId: uint32,
      channelName: fc.oneof(fc.constantFrom('display', 'input', 'clipboard', 'audio', 'filestorage'), text),
      authenticationToken: text,
      maxProtocolVersion: protocolVersion,
      requestedEncryptionMode: int32.filter((n) => n !== 0),
      extensionData: nonEmptyText,
    },
    { requiredKeys: ['kind', 'sessionId', 'connectionId', 'channelName', 'authenticationToken'] },
  ),
);

export const setupServerMessages: fc.Arbitrary<SetupServerMessage> = fc.oneof(
  fc.record(
    { kind: fc.constant('connectionConfirm' as const), connectionId: uint32, serverInfo: peerInfo, protocolVersion },
    { requiredKeys: ['kind', 'connectionId'] },
  ),
  fc.record(
    { kind: fc.constant('channelConnectionConfirm' as const), channelConnectionId: uint32, protocolVersion, encryption: fc.boolean() },
    { requiredKeys: ['kind', 'channelConnectionId', 'encryption'] },
  ),
  fc.record({ kind: fc.constant('connectionAbort' as const), reason: fc.oneof(fc.constantFrom(...Object.values(AbortReason)), int32) }),
);

export const authClientMessages: fc.Arbitrary<AuthClientMessage> = fc.oneof(
  fc.constant({ kind: 'authenticationRequest' as const }),
  fc.record({ kind: fc.constant('saslStart' as const), mechanism: fc.oneof(fc.constant('PLAIN'), text), authData: data }),
  fc.record({ kind: fc.constant('saslStep' as const), authData: data }),
);

export const authServerMessages: fc.Arbitrary<AuthServerMessage> = fc.oneof(
  fc.record({ kind: fc.constant('authenticationInit' as const), authenticationMode: text, mechanisms: fc.array(text, { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('saslChallenge' as const), authData: data }),
  fc.record({
    kind: fc.constant('authenticationResult' as const),
    resultValue: fc.oneof(fc.constantFrom(0, 1, 2), int32),
    sessionTargets: fc.array(fc.record({ sessionId: text, authenticationToken: text }), { maxLength: 5 }),
    retriesLeft: uint32,
  }),
);
