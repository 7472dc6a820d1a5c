import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AbortReason,
  abortReasonName,
  AuthResultValue,
  DcvMessageError,
  decodeAuthClientMessage,
  decodeAuthServerMessage,
  decodeSetupClientMessage,
  decodeSetupServerMessage,
  encodeAuthClientMessage,
  encodeAuthServerMessage,
  encodeSetupClientMessage,
  encodeSetupServerMessage,
  frameMessage,
  peekSetupServerMessage,
  unframeMessage,
} from './dcv-messages';
import { authClientMessages, authServerMessages, setupClientMessages, setupServerMessages } from '../testing/dcv-arbitraries';

/** "0e 00 …" → bytes; spaces and line breaks are for the reader. */
const bytes = (hex: string) => Uint8Array.from(hex.trim().split(/\s+/).map((h) => parseInt(h, 16)));
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0).toString(16)).join(' ');
/** A protobuf, framed by hand: header, bytes, zero padding. */
const framed = (protobuf: Uint8Array, binaryLength = 0) => {
  const out = new Uint8Array(Math.ceil((8 + protobuf.length) / 8) * 8);
  new DataView(out.buffer).setUint32(0, protobuf.length, true);
  new DataView(out.buffer).setUint32(4, binaryLength, true);
  out.set(protobuf, 8);
  return out;
};

describe('framing', () => {
  it('pads the whole message to a multiple of 8: protobuf lengths 0, 1, 7, 8, 9 give 8, 16, 16, 16, 24', () => {
    for (const [n, total] of [[0, 8], [1, 16], [7, 16], [8, 16], [9, 24]]) {
      const m = frameMessage(new Uint8Array(n).fill(0xaa));
      expect(m.length).toBe(total);
      expect(hex(m.subarray(0, 8))).toBe(`${n.toString(16).padStart(2, '0')} 00 00 00 00 00 00 00`);
      expect(m.subarray(8 + n).every((b) => b === 0)).toBe(true);
      expect(unframeMessage(m)).toEqual({ protobuf: new Uint8Array(n).fill(0xaa), binaryLength: 0 });
    }
  });

  it('writes the binary payload length as the second little-endian word', () => {
    const m = frameMessage(bytes('01 02 03'), 0x01020304);
    expect(hex(m)).toBe('03 00 00 00 04 03 02 01 01 02 03 00 00 00 00 00');
    expect(unframeMessage(m).binaryLength).toBe(0x01020304);
    expect(unframeMessage(frameMessage(new Uint8Array(0), 0xffffffff)).binaryLength).toBe(0xffffffff);
  });

  it('refuses what frameMessage cannot have produced', () => {
    const bad: [string, string][] = [
      ['', 'shorter than the 8-byte header'],
      ['01 00 00 00 00 00 00', 'shorter than the 8-byte header'],
      ['09 00 00 00 00 00 00 00 01 02 03 04 05 06 07 08', 'announces 9 protobuf bytes but the message has only 8'],
      // 1 protobuf byte must be padded to 16, not left at 9 or padded to 24
      ['01 00 00 00 00 00 00 00 08', 'should be 16 bytes long'],
      ['01 00 00 00 00 00 00 00 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', 'should be 16 bytes long'],
      ['00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', 'should be 8 bytes long'],
      ['01 00 00 00 00 00 00 00 08 00 00 00 00 00 01 00', 'padding byte 14 is 1'],
    ];
    for (const [h, message] of bad) {
      expect(() => unframeMessage(h ? bytes(h) : new Uint8Array(0)), h).toThrow(DcvMessageError);
      expect(() => unframeMessage(h ? bytes(h) : new Uint8Array(0)), h).toThrow(message);
    }
  });

  it('reads a message that sits inside a larger buffer (a Node Buffer from a pool)', () => {
    const pool = new Uint8Array(64).fill(0xee);
    pool.set(frameMessage(bytes('52 00')), 13);
    const view = pool.subarray(13, 13 + 16);
    expect(decodeAuthClientMessage(view)).toEqual({ kind: 'authenticationRequest' });
  });

  it('rejects a binary length or a field that is not a uint32', () => {
    expect(() => frameMessage(new Uint8Array(0), -1)).toThrow(DcvMessageError);
    expect(() => frameMessage(new Uint8Array(0), 2 ** 32)).toThrow(DcvMessageError);
    expect(() => encodeSetupServerMessage({ kind: 'connectionConfirm', connectionId: 1.5 })).toThrow('connectionId must be a uint32');
    expect(() => encodeSetupServerMessage({ kind: 'connectionAbort', reason: 2 ** 31 })).toThrow('reason must be an int32');
  });
});

describe('dcv.setup, byte by byte', () => {
  it('ConnectionRequest { sessionId: "console", authenticationToken: "T" }', () => {
    const m = encodeSetupClientMessage({ kind: 'connectionRequest', sessionId: 'console', authenticationToken: 'T' });
    // 14 protobuf bytes, no binary payload | field 10 (0x52 = 10<<3|2), 12 bytes:
    //   field 1 "console" (0a 07 …), field 10 "T" (52 01 54) | 2 bytes of padding to 24.
    expect(hex(m)).toBe(
      '0e 00 00 00 00 00 00 00 ' + '52 0c ' + `0a 07 ${ascii('console')} ` + '52 01 54 ' + '00 00',
    );
    expect(hex(m)).toBe('0e 00 00 00 00 00 00 00 52 0c 0a 07 63 6f 6e 73 6f 6c 65 52 01 54 00 00');
    expect(decodeSetupClientMessage(m)).toEqual({ kind: 'connectionRequest', sessionId: 'console', authenticationToken: 'T' });
  });

  it('ConnectionRequest with client info, version and extension data, fields in ascending order', () => {
    const m = encodeSetupClientMessage({
      kind: 'connectionRequest',
      sessionId: 's',
      authenticationToken: 't',
      clientInfo: { name: 'n', version: { major: 1, minor: 0, revision: 2 }, os: 'o', arch: 'a', hostname: 'h' },
      maxProtocolVersion: { major: 3, minor: 1 },
      extensionData: 'x',
    });
    expect(hex(unframeMessage(m).protobuf)).toBe(
      [
        '52 26', // field 10, 38 bytes
        '0a 01 73', // sessionId
        '52 01 74', // authenticationToken (10)
        'a2 01 12', // clientInfo (20 → tag 0xa2 0x01), 18 bytes
        '0a 01 6e', //   name
        '12 04 08 01 18 02', //   version { major 1, (minor 0 left out), revision 2 }
        '1a 01 6f 22 01 61 2a 01 68', //   os, arch, hostname
        'f2 01 04 08 03 10 01', // maxProtocolVersion (30) { 3, 1 }
        'c2 02 01 78', // extensionData (40 → tag 0xc2 0x02)
      ].join(' '),
    );
  });

  it('ChannelConnectionRequest with connectionId 300 (a 2-byte varint) and channelName "display"', () => {
    const m = encodeSetupClientMessage({
      kind: 'channelConnectionRequest',
      sessionId: 'console',
      connectionId: 300,
      channelName: 'display',
      authenticationToken: 'T',
    });
    expect(hex(m)).toBe(
      [
        '1a 00 00 00 00 00 00 00', // 26 protobuf bytes
        '5a 18', // field 11 (11<<3|2 = 0x5a), 24 bytes
        `0a 07 ${ascii('console')}`,
        '10 ac 02', // field 2 varint: 300 = 0b10_0101100 → ac 02
        `1a 07 ${ascii('display')}`,
        '52 01 54',
        '00 00 00 00 00 00', // 34 → 40
      ].join(' '),
    );
    expect(decodeSetupClientMessage(m)).toEqual({
      kind: 'channelConnectionRequest',
      sessionId: 'console',
      connectionId: 300,
      channelName: 'display',
      authenticationToken: 'T',
    });
  });

  it('a negative requestedEncryptionMode is a 10-byte sign-extended varint, as protobuf writes int32', () => {
    const m = encodeSetupClientMessage({ kind: 'channelConnectionRequest', sessionId: '', connectionId: 0, channelName: '', authenticationToken: '', requestedEncryptionMode: -1 });
    expect(hex(unframeMessage(m).protobuf)).toBe('5a 0c f0 01 ff ff ff ff ff ff ff ff ff 01');
    expect(decodeSetupClientMessage(m)).toMatchObject({ requestedEncryptionMode: -1 });
  });

  it('connectionAbort AUTHENTICATION_FAILED', () => {
    const m = encodeSetupServerMessage({ kind: 'connectionAbort', reason: AbortReason.AUTHENTICATION_FAILED });
    // field 20 (20<<3|2 = 162 → a2 01), 2 bytes: field 1 varint 20
    expect(hex(m)).toBe('05 00 00 00 00 00 00 00 a2 01 02 08 14 00 00 00');
    expect(decodeSetupServerMessage(m)).toEqual({ kind: 'connectionAbort', reason: 20 });
    expect(abortReasonName(20)).toBe('AUTHENTICATION_FAILED');
  });

  it('connectionAbort GENERIC_ERROR is an empty sub-message, and still a connectionAbort', () => {
    const m = encodeSetupServerMessage({ kind: 'connectionAbort', reason: AbortReason.GENERIC_ERROR });
    expect(hex(m)).toBe('03 00 00 00 00 00 00 00 a2 01 00 00 00 00 00 00');
    expect(decodeSetupServerMessage(m)).toEqual({ kind: 'connectionAbort', reason: 0 });
    expect(peekSetupServerMessage(m)).toEqual({ kind: 'connectionAbort', reason: 0 });
  });

  it('connectionConfirm and channelConnectionConfirm', () => {
    const c = encodeSetupServerMessage({ kind: 'connectionConfirm', connectionId: 7, protocolVersion: { major: 3, minor: 1 } });
    expect(hex(unframeMessage(c).protobuf)).toBe('52 09 08 07 f2 01 04 08 03 10 01');
    const cc = encodeSetupServerMessage({ kind: 'channelConnectionConfirm', channelConnectionId: 2, encryption: true });
    expect(hex(unframeMessage(cc).protobuf)).toBe('5a 05 08 02 f0 01 01');
    expect(decodeSetupServerMessage(cc)).toEqual({ kind: 'channelConnectionConfirm', channelConnectionId: 2, encryption: true });
  });

  it('names abort reasons, and unknown ones by number', () => {
    expect(Object.keys(AbortReason).map((k) => abortReasonName(AbortReason[k as keyof typeof AbortReason]))).toEqual(Object.keys(AbortReason));
    expect(abortReasonName(3)).toBe('UNKNOWN_3');
    expect(abortReasonName(-1)).toBe('UNKNOWN_-1');
  });

  it('drops optional scalars holding their default, keeps present sub-messages even when empty', () => {
    const m = encodeSetupClientMessage({
      kind: 'connectionRequest',
      sessionId: '',
      authenticationToken: '',
      clientInfo: { name: '', os: '', arch: '', hostname: '' },
      extensionData: '',
    });
    expect(hex(unframeMessage(m).protobuf)).toBe('52 03 a2 01 00');
    expect(decodeSetupClientMessage(m)).toEqual({
      kind: 'connectionRequest',
      sessionId: '',
      authenticationToken: '',
      clientInfo: { name: '', os: '', arch: '', hostname: '' },
    });
  });
});

describe('dcv.auth, byte by byte', () => {
  it('an empty authenticationRequest is field 10 with length 0', () => {
    const m = encodeAuthClientMessage({ kind: 'authenticationRequest' });
    expect(hex(m)).toBe('02 00 00 00 00 00 00 00 52 00 00 00 00 00 00 00');
    expect(decodeAuthClientMessage(m)).toEqual({ kind: 'authenticationRequest' });
  });

  it('saslStart and saslStep', () => {
    const m = encodeAuthClientMessage({ kind: 'saslStart', mechanism: 'PLAIN', authData: bytes('00 75 00 70') });
    expect(hex(unframeMessage(m).protobuf)).toBe(`a2 01 0d 0a 05 ${ascii('PLAIN')} 52 04 00 75 00 70`);
    expect(decodeAuthClientMessage(m)).toEqual({ kind: 'saslStart', mechanism: 'PLAIN', authData: bytes('00 75 00 70') });
    const s = encodeAuthClientMessage({ kind: 'saslStep', authData: new Uint8Array(0) });
    expect(hex(unframeMessage(s).protobuf)).toBe('f2 01 00');
    expect(decodeAuthClientMessage(s)).toEqual({ kind: 'saslStep', authData: new Uint8Array(0) });
  });

  it('authenticationInit { authenticationMode: "system", mechanisms: ["PLAIN"] }', () => {
    const m = encodeAuthServerMessage({ kind: 'authenticationInit', authenticationMode: 'system', mechanisms: ['PLAIN'] });
    expect(hex(m)).toBe(
      [
        '11 00 00 00 00 00 00 00', // 17 protobuf bytes
        '52 0f', // field 10, 15 bytes
        `0a 06 ${ascii('system')}`,
        `52 05 ${ascii('PLAIN')}`, // repeated field 10, one element
        '00 00 00 00 00 00 00', // 25 → 32
      ].join(' '),
    );
    expect(decodeAuthServerMessage(m)).toEqual({ kind: 'authenticationInit', authenticationMode: 'system', mechanisms: ['PLAIN'] });
  });

  it('authenticationResult OK with two session targets', () => {
    const m = encodeAuthServerMessage({
      kind: 'authenticationResult',
      resultValue: AuthResultValue.OK,
      sessionTargets: [
        { sessionId: 'a', authenticationToken: 'x' },
        { sessionId: 'b', authenticationToken: 'y' },
      ],
      retriesLeft: 0,
    });
    expect(hex(m)).toBe(
      [
        '15 00 00 00 00 00 00 00', // 21 protobuf bytes
        'f2 01 12', // field 30 (30<<3|2 = 242 → f2 01), 18 bytes
        '08 01', // resultValue OK
        '52 06 0a 01 61 52 01 78', // sessionTargets[0] { "a", "x" }
        '52 06 0a 01 62 52 01 79', // sessionTargets[1] { "b", "y" }
        '00 00 00', // retriesLeft 0 is not written; 29 → 32
      ].join(' '),
    );
    expect(decodeAuthServerMessage(m)).toEqual({
      kind: 'authenticationResult',
      resultValue: 1,
      sessionTargets: [
        { sessionId: 'a', authenticationToken: 'x' },
        { sessionId: 'b', authenticationToken: 'y' },
      ],
      retriesLeft: 0,
    });
  });

  it('an OK result with no target ("No session is available") and a FAIL with retries', () => {
    const ok = encodeAuthServerMessage({ kind: 'authenticationResult', resultValue: AuthResultValue.OK, sessionTargets: [], retriesLeft: 0 });
    expect(hex(unframeMessage(ok).protobuf)).toBe('f2 01 02 08 01');
    const fail = encodeAuthServerMessage({ kind: 'authenticationResult', resultValue: AuthResultValue.FAIL, sessionTargets: [], retriesLeft: 2 });
    expect(hex(unframeMessage(fail).protobuf)).toBe('f2 01 03 a0 01 02');
    expect(decodeAuthServerMessage(fail)).toEqual({ kind: 'authenticationResult', resultValue: 0, sessionTargets: [], retriesLeft: 2 });
  });
});

describe('reading what protobuf allows but our encoders never write', () => {
  // Field 99 of each wire type: tag 99<<3|w = 0x318|w → varint 98|w 06.
  const unknown = {
    varint: '98 06 96 01', // 150
    fixed64: '99 06 01 02 03 04 05 06 07 08',
    len: '9a 06 03 61 62 63',
    fixed32: '9d 06 01 02 03 04',
  };
  const all = Object.values(unknown).join(' ');

  it('skips unknown fields of every wire type, at the top and inside sub-messages', () => {
    // ServerMessage { 99…, connectionAbort { 99…, reason 20, 99… }, 99… }
    const inner = bytes(`${all} 08 14 ${all}`);
    const m = framed(bytes(`${all} a2 01 ${inner.length.toString(16)} ${hex(inner)} ${all}`));
    expect(decodeSetupServerMessage(m)).toEqual({ kind: 'connectionAbort', reason: 20 });
    for (const [wire, field] of Object.entries(unknown)) {
      const length = field.split(' ').length + 2; // the unknown field, then connectionId 42 (08 2a)
      const one = framed(bytes(`52 ${length.toString(16)} ${field} 08 2a`));
      expect(decodeSetupServerMessage(one), wire).toEqual({ kind: 'connectionConfirm', connectionId: 42 });
      expect(decodeAuthClientMessage(framed(bytes(`${field} 52 00`))), wire).toEqual({ kind: 'authenticationRequest' });
    }
  });

  it('skips unknown fields in every package', () => {
    expect(decodeSetupClientMessage(framed(bytes(`${all} 52 00 ${all}`)))).toEqual({ kind: 'connectionRequest', sessionId: '', authenticationToken: '' });
    expect(decodeAuthServerMessage(framed(bytes(`${all} a2 01 00`)))).toEqual({ kind: 'saslChallenge', authData: new Uint8Array(0) });
  });

  it('last scalar wins, repeated sub-messages merge, the last oneof member wins', () => {
    // connectionConfirm { connectionId 1 } connectionConfirm { serverInfo { name "a" }, connectionId 2 }
    const merged = framed(bytes('52 02 08 01 52 08 a2 01 03 0a 01 61 08 02'));
    expect(decodeSetupServerMessage(merged)).toEqual({
      kind: 'connectionConfirm',
      connectionId: 2,
      serverInfo: { name: 'a', os: '', arch: '', hostname: '' },
    });
    // connectionAbort { 20 }, then connectionConfirm { 5 }: the abort was cleared
    expect(decodeSetupServerMessage(framed(bytes('a2 01 02 08 14 52 02 08 05')))).toEqual({ kind: 'connectionConfirm', connectionId: 5 });
  });

  it('truncates a wider varint to 32 bits for uint32, as protobuf does', () => {
    // connectionId = 2^32 + 7 (a 5-byte varint)
    expect(decodeSetupServerMessage(framed(bytes('52 06 08 87 80 80 80 10')))).toEqual({ kind: 'connectionConfirm', connectionId: 7 });
  });
});

describe('refusing broken messages, with where', () => {
  const refuse: [string, string, string][] = [
    ['empty ServerMessage', '', 'has none of the fields 10, 11, 20 (fields present: none)'],
    ['only unknown fields', '98 06 01', 'has none of the fields 10, 11, 20 (fields present: 99)'],
    ['truncated tag', '80', 'varint at byte 8 is truncated'],
    ['truncated varint value', '52 02 08 80', 'varint at byte 11 is truncated'],
    ['length beyond the message', '52 05 08 01', 'field 10 at byte 8 announces 5 bytes, only 2 left'],
    ['sub-message length beyond its parent', '52 03 a2 01 05', 'field 20 at byte 10 announces 5 bytes, only 0 left'],
    ['truncated fixed32', '9d 06 01 02', 'field 99 at byte 8 is truncated (32-bit)'],
    ['truncated fixed64', '99 06 01 02 03 04 05 06 07', 'field 99 at byte 8 is truncated (64-bit)'],
    ['varint of 11 bytes', '98 06 80 80 80 80 80 80 80 80 80 80 00', 'varint at byte 10 is longer than 10 bytes'],
    ['start group', '9b 06', 'field 99 at byte 8 has unsupported wire type 3'],
    ['end group', '9c 06', 'unsupported wire type 4'],
    ['wire type 6', '9e 06', 'unsupported wire type 6'],
    ['field number 0', '00 00', 'invalid field number at byte 8'],
    ['known field with another wire type', '50 01', 'field 10 at byte 8 is varint, expected length-delimited'],
    ['invalid UTF-8 in a string', '52 06 a2 01 03 0a 01 ff', 'string at byte 13 is not valid UTF-8'],
  ];
  for (const [what, protobuf, message] of refuse) {
    it(what, () => {
      const m = framed(protobuf ? bytes(protobuf) : new Uint8Array(0));
      expect(() => decodeSetupServerMessage(m)).toThrow(DcvMessageError);
      expect(() => decodeSetupServerMessage(m)).toThrow(message);
      expect(peekSetupServerMessage(m)).toBeUndefined();
    });
  }

  it('names the message in which the problem is', () => {
    expect(() => decodeAuthServerMessage(framed(bytes('f2 01 02 52 05')))).toThrow('dcv.auth.AuthenticationResult: field 10 at byte 11 announces 5 bytes');
    expect(() => decodeSetupClientMessage(framed(bytes('52 00 5a 00 52 02 a2 01')))).toThrow('dcv.setup.ConnectionRequest');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const framedCorrectly = (m: Uint8Array) => {
  const { protobuf, binaryLength } = unframeMessage(m);
  return m.length % 8 === 0 && m.length - protobuf.length - 8 < 8 && binaryLength === 0;
};

describe('properties', () => {
  it('dcv.setup client messages round-trip', () => {
    fc.assert(
      fc.property(setupClientMessages, (m) => {
        const e = encodeSetupClientMessage(m);
        expect(framedCorrectly(e)).toBe(true);
        expect(decodeSetupClientMessage(e)).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('dcv.setup server messages round-trip', () => {
    fc.assert(
      fc.property(setupServerMessages, (m) => {
        const e = encodeSetupServerMessage(m);
        expect(framedCorrectly(e)).toBe(true);
        expect(decodeSetupServerMessage(e)).toEqual(m);
        expect(peekSetupServerMessage(e)).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('dcv.auth messages round-trip', () => {
    fc.assert(
      fc.property(authClientMessages, authServerMessages, (c, s) => {
        expect(decodeAuthClientMessage(encodeAuthClientMessage(c))).toEqual(c);
        expect(decodeAuthServerMessage(encodeAuthServerMessage(s))).toEqual(s);
      }),
      { numRuns: 500 },
    );
  });

  it('a message of one package is not taken for the other one silently: the kind tells', () => {
    // Field numbers overlap between packages (10 is connectionRequest and authenticationRequest),
    // which is why the socket path (/auth or /ws), not the bytes, decides the package.
    const m = encodeAuthClientMessage({ kind: 'authenticationRequest' });
    expect(decodeSetupClientMessage(m).kind).toBe('connectionRequest');
  });

  const decoders = [decodeSetupClientMessage, decodeSetupServerMessage, decodeAuthClientMessage, decodeAuthServerMessage];
  const onlyDcvMessageErrors = (m: Uint8Array) => {
    for (const decode of decoders) {
      try {
        decode(m);
      } catch (e) {
        if (!(e instanceof DcvMessageError)) throw e;
      }
    }
    expect(() => peekSetupServerMessage(m)).not.toThrow();
  };

  it('decoders on arbitrary bytes only return or throw DcvMessageError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), onlyDcvMessageErrors), { numRuns: 2000 });
  });

  it('decoders on well framed arbitrary protobuf, and on mutated real messages, only return or throw DcvMessageError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (p) => onlyDcvMessageErrors(framed(p))), { numRuns: 2000 });
    const mutated = fc
      .tuple(fc.oneof(setupServerMessages.map(encodeSetupServerMessage), authServerMessages.map(encodeAuthServerMessage)), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([m, at, value]) => {
        const copy = m.slice();
        const i = 8 + (at % Math.max(1, copy.length - 8));
        if (i < copy.length) copy[i] = value;
        return copy;
      });
    fc.assert(fc.property(mutated, onlyDcvMessageErrors), { numRuns: 2000 });
  });
});
