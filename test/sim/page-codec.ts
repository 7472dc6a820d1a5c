/**
 * DCV's first messages in plain browser JavaScript, for the simulator's web page: the page is
 * served as a string and cannot import tunnel/session-manager/dcv-messages.ts. Hand-written
 * and small: it encodes what a web client sends (dcv.auth requests, dcv.setup connection
 * requests) and decodes what it receives; dcv-messages.ts stays the reference, and
 * page-codec.test.ts holds both to the same bytes.
 *
 * Differences from the reference, on input our encoders never produce: a sub-message sent
 * twice is not merged (the last one wins), a known field with an unexpected wire type is
 * ignored rather than refused, padding is not checked. Errors are plain `Error`s.
 *
 * ES2017 syntax only (no `??`, `?.`, object spread), no backquotes or backslashes, so it can be
 * pasted into any script or template literal: `${PAGE_CODEC_JS}` defines `const DcvCodec`.
 */
export const PAGE_CODEC_JS = `const DcvCodec = (() => {
  'use strict';
  const utf8 = new TextEncoder();
  // fatal: as protobuf, refuse invalid UTF-8; ignoreBOM: a leading U+FEFF is content.
  const fromUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const fail = (what) => { throw new Error('DCV message: ' + what); };

  // Writing. A message is an array of byte values; proto3 leaves default values out.
  // A varint of hi * 2^32 + lo: negative int32 are sign-extended to 10 bytes, as protobuf does.
  const varint = (out, lo, hi) => {
    while (hi !== 0 || lo > 0x7f) {
      out.push((lo & 0x7f) | 0x80);
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    out.push(lo);
  };
  const tag = (out, n, wire) => varint(out, n * 8 + wire, 0);
  const uint32 = (out, n, v) => { if (v) { tag(out, n, 0); varint(out, v >>> 0, 0); } };
  const int32 = (out, n, v) => { if (v) { tag(out, n, 0); varint(out, v >>> 0, v < 0 ? 0xffffffff : 0); } };
  const len = (out, n, bytes) => {
    tag(out, n, 2);
    varint(out, bytes.length, 0);
    for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
  };
  const string = (out, n, s) => { if (s) len(out, n, utf8.encode(s)); };
  const bytes = (out, n, b) => { if (b && b.length) len(out, n, b); };
  // A sub-message is written whenever it is present, even empty: its presence is the message.
  const message = (out, n, v, write) => {
    if (v === undefined || v === null) return;
    const sub = [];
    write(sub, v);
    len(out, n, sub);
  };
  // Header: protobuf length, 0 (no binary payload follows); zero padding to a multiple of 8.
  const frame = (protobuf) => {
    const out = new Uint8Array(Math.ceil((8 + protobuf.length) / 8) * 8);
    new DataView(out.buffer).setUint32(0, protobuf.length, true);
    out.set(protobuf, 8);
    return out;
  };
  const top = (n, v, write) => { const out = []; message(out, n, v, write); return frame(out); };
  const writeVersion = (out, v) => { uint32(out, 1, v.major); uint32(out, 2, v.minor); uint32(out, 3, v.revision); };
  const writeProtocolVersion = (out, v) => { uint32(out, 1, v.major); uint32(out, 2, v.minor); };
  const writePeerInfo = (out, v) => {
    string(out, 1, v.name);
    message(out, 2, v.version, writeVersion);
    string(out, 3, v.os);
    string(out, 4, v.arch);
    string(out, 5, v.hostname);
  };

  // Reading. A message is { buf, fields: [{ n, wire, value }] }, value [lo, hi] for a varint,
  // [start, end] for length-delimited; unknown fields of any wire type are skipped.
  const parse = (buf, start, end) => {
    const fields = [];
    let p = start;
    const readVarint = () => {
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < 10; i++) {
        if (p >= end) fail('truncated at byte ' + p);
        const b = buf[p++];
        if (i < 4) lo |= (b & 0x7f) << (7 * i);
        else if (i === 4) { lo |= (b & 0x7f) << 28; hi |= (b & 0x7f) >>> 4; }
        else hi |= (b & 0x7f) << (7 * i - 32);
        if (b < 0x80) return [lo >>> 0, hi >>> 0];
      }
      return fail('varint longer than 10 bytes before byte ' + p);
    };
    while (p < end) {
      const at = p;
      const t = readVarint()[0];
      const n = t >>> 3;
      const wire = t & 7;
      if (wire === 0) fields.push({ n: n, wire: wire, value: readVarint() });
      else if (wire === 2) {
        const size = readVarint();
        if (size[1] !== 0 || size[0] > end - p) fail('field ' + n + ' at byte ' + at + ' is truncated');
        fields.push({ n: n, wire: wire, value: [p, p + size[0]] });
        p += size[0];
      } else if (wire === 1 || wire === 5) {
        p += wire === 1 ? 8 : 4;
        if (p > end) fail('field ' + n + ' at byte ' + at + ' is truncated');
      } else fail('unsupported wire type ' + wire + ' at byte ' + at);
    }
    return { buf: buf, fields: fields };
  };
  const last = (m, n, wire) => {
    for (let i = m.fields.length - 1; i >= 0; i--) if (m.fields[i].n === n && m.fields[i].wire === wire) return m.fields[i];
    return undefined;
  };
  const all = (m, n) => m.fields.filter((f) => f.n === n && f.wire === 2);
  const getUint32 = (m, n) => { const f = last(m, n, 0); return f ? f.value[0] : 0; };
  const getInt32 = (m, n) => { const f = last(m, n, 0); return f ? f.value[0] | 0 : 0; };
  const getBool = (m, n) => { const f = last(m, n, 0); return f ? (f.value[0] | f.value[1]) !== 0 : false; };
  const text = (m, f) => fromUtf8.decode(m.buf.subarray(f.value[0], f.value[1]));
  const getString = (m, n) => { const f = last(m, n, 2); return f ? text(m, f) : ''; };
  const getBytes = (m, n) => { const f = last(m, n, 2); return f ? m.buf.slice(f.value[0], f.value[1]) : new Uint8Array(0); };
  const sub = (m, f) => parse(m.buf, f.value[0], f.value[1]);
  // A sub-message read with read(), or undefined when absent.
  const getMessage = (m, n, read) => { const f = last(m, n, 2); return f ? read(sub(m, f)) : undefined; };
  const put = (obj, key, value) => { if (value !== undefined) obj[key] = value; return obj; };
  const readVersion = (m) => ({ major: getUint32(m, 1), minor: getUint32(m, 2), revision: getUint32(m, 3) });
  const readProtocolVersion = (m) => ({ major: getUint32(m, 1), minor: getUint32(m, 2) });
  const readPeerInfo = (m) => put(
    { name: getString(m, 1), os: getString(m, 3), arch: getString(m, 4), hostname: getString(m, 5) },
    'version', getMessage(m, 2, readVersion));
  // The header's protobuf length, then the protobuf (an ArrayBuffer from a WebSocket, or a view).
  const unframe = (data) => {
    const buf = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    if (buf.length < 8) fail('shorter than its 8-byte header');
    const size = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0, true);
    if (size > buf.length - 8) fail('header announces ' + size + ' bytes, only ' + (buf.length - 8) + ' follow');
    return parse(buf, 8, 8 + size);
  };
  // The oneof member sent last, as { n, m }.
  const oneof = (m, members, what) => {
    for (let i = m.fields.length - 1; i >= 0; i--) {
      const f = m.fields[i];
      if (f.wire === 2 && members.indexOf(f.n) >= 0) return { n: f.n, m: sub(m, f) };
    }
    return fail('not a ' + what + ': none of the fields ' + members.join(', '));
  };

  const AbortReason = Object.freeze({
    GENERIC_ERROR: 0, INTERNAL_SERVER_ERROR: 1, PROTOCOL_ERROR: 2, INVALID_SESSION_ID: 10,
    INVALID_CONNECTION_ID: 11, AUTHENTICATION_FAILED: 20, CONNECTION_LIMIT_REACHED: 30, SERVER_UNREACHABLE: 40,
  });
  const abortReasonName = (n) => {
    for (const name in AbortReason) if (AbortReason[name] === n) return name;
    return 'UNKNOWN_' + n;
  };

  return {
    // dcv.auth, on <base>/auth
    encodeAuthRequest: () => top(10, {}, () => {}),
    encodeSaslStart: (mechanism, authData) => top(20, {}, (out) => { string(out, 1, mechanism); bytes(out, 10, authData); }),
    decodeAuthServer: (data) => {
      const o = oneof(unframe(data), [10, 20, 30], 'dcv.auth.ServerMessage');
      const m = o.m;
      if (o.n === 10) return { kind: 'authenticationInit', authenticationMode: getString(m, 1), mechanisms: all(m, 10).map((f) => text(m, f)) };
      if (o.n === 20) return { kind: 'saslChallenge', authData: getBytes(m, 1) };
      return {
        kind: 'authenticationResult',
        resultValue: getInt32(m, 1),
        sessionTargets: all(m, 10).map((f) => {
          const t = sub(m, f);
          return { sessionId: getString(t, 1), authenticationToken: getString(t, 10) };
        }),
        retriesLeft: getUint32(m, 20),
      };
    },
    // dcv.setup, the first message of every <base>/ws socket
    encodeConnectionRequest: (r) => top(10, r, (out) => {
      string(out, 1, r.sessionId);
      string(out, 10, r.authenticationToken);
      message(out, 20, r.clientInfo, writePeerInfo);
      message(out, 30, r.maxProtocolVersion, writeProtocolVersion);
      string(out, 40, r.extensionData);
    }),
    encodeChannelConnectionRequest: (r) => top(11, r, (out) => {
      string(out, 1, r.sessionId);
      uint32(out, 2, r.connectionId);
      string(out, 3, r.channelName);
      string(out, 10, r.authenticationToken);
      message(out, 20, r.maxProtocolVersion, writeProtocolVersion);
      int32(out, 30, r.requestedEncryptionMode);
      string(out, 40, r.extensionData);
    }),
    decodeSetupServer: (data) => {
      const o = oneof(unframe(data), [10, 11, 20], 'dcv.setup.ServerMessage');
      const m = o.m;
      if (o.n === 10) {
        const c = { kind: 'connectionConfirm', connectionId: getUint32(m, 1) };
        put(c, 'serverInfo', getMessage(m, 20, readPeerInfo));
        return put(c, 'protocolVersion', getMessage(m, 30, readProtocolVersion));
      }
      if (o.n === 11) {
        const c = { kind: 'channelConnectionConfirm', channelConnectionId: getUint32(m, 1), encryption: getBool(m, 30) };
        return put(c, 'protocolVersion', getMessage(m, 20, readProtocolVersion));
      }
      // An empty connectionAbort is reason 0, GENERIC_ERROR.
      return { kind: 'connectionAbort', reason: getInt32(m, 1) };
    },
    AbortReason: AbortReason,
    abortReasonName: abortReasonName,
  };
})();
`;
