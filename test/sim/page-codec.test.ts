import fc from 'fast-check';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  AbortReason,
  abortReasonName,
  decodeAuthServerMessage,
  decodeSetupServerMessage,
  encodeAuthClientMessage,
  encodeAuthServerMessage,
  encodeSetupClientMessage,
  encodeSetupServerMessage,
  type AuthServerMessage,
  type ChannelConnectionRequest,
  type ConnectionRequest,
  type SetupServerMessage,
} from '../../tunnel/session-manager/dcv-messages';
import { authServerMessages, int32, nonEmptyText, peerInfo, protocolVersion, setupServerMessages, text, uint32 } from '../../tunnel/testing/dcv-arbitraries';
import { PAGE_CODEC_JS } from './page-codec';

interface PageCodec {
  encodeAuthRequest(): Uint8Array;
  encodeSaslStart(mechanism: string, authData: Uint8Array): Uint8Array;
  decodeAuthServer(data: ArrayBuffer | Uint8Array): AuthServerMessage;
  encodeConnectionRequest(r: Omit<ConnectionRequest, 'kind'>): Uint8Array;
  encodeChannelConnectionRequest(r: Omit<ChannelConnectionRequest, 'kind'>): Uint8Array;
  decodeSetupServer(data: ArrayBuffer | Uint8Array): SetupServerMessage;
  AbortReason: typeof AbortReason;
  abortReasonName(n: number): string;
}

/** The script as a page would run it: only the browser globals it needs, nothing of Node. */
function loadCodec(): PageCodec {
  const context = vm.createContext({ TextEncoder, TextDecoder, Uint8Array, DataView, ArrayBuffer });
  return vm.runInContext(`${PAGE_CODEC_JS}\nDcvCodec`, context) as PageCodec;
}

const codec = loadCodec();
const withoutKind = <T extends { kind: string }>(m: T): Omit<T, 'kind'> => {
  const { kind: _kind, ...rest } = m;
  return rest;
};
/** What a browser's WebSocket hands over: an ArrayBuffer of exactly the message. */
const arrayBuffer = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('the page codec (plain JavaScript) against dcv-messages.ts', () => {
  it('is ES2017 syntax that a template literal can carry', () => {
    expect(PAGE_CODEC_JS).not.toMatch(/\?\?|\?\.|`|\\|\$\{/);
    expect(PAGE_CODEC_JS).not.toMatch(/\{\s*\.\.\./);
  });

  it('encodes auth requests byte for byte', () => {
    expect(codec.encodeAuthRequest()).toEqual(encodeAuthClientMessage({ kind: 'authenticationRequest' }));
    fc.assert(
      fc.property(fc.oneof(fc.constant('PLAIN'), text), fc.uint8Array({ maxLength: 200 }), (mechanism, authData) => {
        expect(codec.encodeSaslStart(mechanism, authData)).toEqual(encodeAuthClientMessage({ kind: 'saslStart', mechanism, authData }));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes connection requests byte for byte', () => {
    const requests = fc.record(
      { sessionId: text, authenticationToken: text, clientInfo: peerInfo, maxProtocolVersion: protocolVersion, extensionData: nonEmptyText },
      { requiredKeys: ['sessionId', 'authenticationToken'] },
    );
    fc.assert(
      fc.property(requests, (r) => {
        expect(codec.encodeConnectionRequest(r)).toEqual(encodeSetupClientMessage({ kind: 'connectionRequest', ...r }));
      }),
      { numRuns: 300 },
    );
    expect(codec.encodeConnectionRequest({ sessionId: 'console', authenticationToken: 'T' })).toEqual(
      encodeSetupClientMessage({ kind: 'connectionRequest', sessionId: 'console', authenticationToken: 'T' }),
    );
  });

  it('encodes channel connection requests byte for byte', () => {
    const requests = fc.record(
      {
        sessionId: text,
        connectionId: uint32,
        channelName: fc.oneof(fc.constantFrom('display', 'input', 'clipboard', 'audio'), text),
        authenticationToken: text,
        maxProtocolVersion: protocolVersion,
        requestedEncryptionMode: int32,
        extensionData: nonEmptyText,
      },
      { requiredKeys: ['sessionId', 'connectionId', 'channelName', 'authenticationToken'] },
    );
    fc.assert(
      fc.property(requests, (r) => {
        expect(codec.encodeChannelConnectionRequest(r)).toEqual(encodeSetupClientMessage({ kind: 'channelConnectionRequest', ...r }));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes every dcv.setup server message as dcv-messages.ts does', () => {
    const messages = setupServerMessages;
    fc.assert(
      fc.property(messages, (m) => {
        const bytes = encodeSetupServerMessage(m);
        expect(codec.decodeSetupServer(arrayBuffer(bytes))).toEqual(m);
        expect(codec.decodeSetupServer(bytes)).toEqual(decodeSetupServerMessage(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes every dcv.auth server message as dcv-messages.ts does', () => {
    const messages = authServerMessages;
    fc.assert(
      fc.property(messages, (m) => {
        const bytes = encodeAuthServerMessage(m);
        expect(codec.decodeAuthServer(arrayBuffer(bytes))).toEqual(m);
        expect(codec.decodeAuthServer(bytes)).toEqual(decodeAuthServerMessage(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('reads an empty connectionAbort as GENERIC_ERROR, and skips unknown fields', () => {
    expect(codec.decodeSetupServer(encodeSetupServerMessage({ kind: 'connectionAbort', reason: 0 }))).toEqual({ kind: 'connectionAbort', reason: 0 });
    // field 99 of each wire type (varint, 64-bit, length-delimited, 32-bit), then connectionAbort { 20 }
    const protobuf = [0x98, 0x06, 0x01, 0x99, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0x9a, 0x06, 0x01, 0x61, 0x9d, 0x06, 1, 2, 3, 4, 0xa2, 0x01, 0x02, 0x08, 0x14];
    const m = new Uint8Array(40); // 8 + 28, padded to 40
    m[0] = protobuf.length;
    m.set(protobuf, 8);
    expect(codec.decodeSetupServer(m)).toEqual({ kind: 'connectionAbort', reason: 20 });
  });

  it('names abort reasons as dcv-messages.ts does', () => {
    expect({ ...codec.AbortReason }).toEqual(AbortReason);
    for (const n of [...Object.values(AbortReason), 3, 99, -1]) expect(codec.abortReasonName(n)).toBe(abortReasonName(n));
  });

  it('throws an Error (never hangs) on broken input', () => {
    expect(() => codec.decodeSetupServer(new Uint8Array(4))).toThrow('shorter than its 8-byte header');
    expect(() => codec.decodeSetupServer(new Uint8Array(8))).toThrow('not a dcv.setup.ServerMessage');
    expect(() => codec.decodeAuthServer(Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0, 0x52))).toThrow('header announces 9 bytes');
    expect(() => codec.decodeAuthServer(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0, 0x52, 0x05, 0, 0, 0, 0, 0, 0))).toThrow('field 10 at byte 8 is truncated');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (p) => {
        const m = new Uint8Array(Math.ceil((8 + p.length) / 8) * 8);
        m[0] = p.length;
        m.set(p, 8);
        for (const decode of [codec.decodeSetupServer, codec.decodeAuthServer]) {
          try {
            decode(m);
          } catch (e) {
            expect((e as Error).message).toMatch(/^DCV message: |^The encoded data was not valid/);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
