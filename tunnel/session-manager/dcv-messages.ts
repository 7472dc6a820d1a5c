/**
 * Amazon DCV's first WebSocket messages (packages dcv.setup and dcv.auth), as the Web Client
 * SDK sends them: an 8-byte framing header and a proto3 message, written and read by hand.
 *
 * No imports at all, not even Node built-ins: the same file runs in the tunnel, the doctor and
 * a browser page. Field numbers are those of /shared/SESSION-MANAGER.md, "DCV's first messages".
 *
 * Decoding is strict where a wrong guess about the server would otherwise go unnoticed
 * (truncation, a known field with an unexpected wire type, invalid UTF-8, bad padding) and
 * lenient where protobuf itself is (unknown fields of any wire type are skipped, repeated
 * scalars: the last one wins, repeated sub-messages are merged). Every failure on input is a
 * DcvMessageError that says what went wrong and at which byte of the framed message.
 */

export class DcvMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DcvMessageError';
  }
}

// ---------------------------------------------------------------------------------------------
// Framing

const HEADER_BYTES = 8;
const MAX_UINT32 = 0xffff_ffff;

const padded = (n: number) => Math.ceil(n / 8) * 8;

/** Header (protobuf length, length of the binary payload sent as the next WebSocket message), protobuf, zero padding to a multiple of 8. */
export function frameMessage(protobuf: Uint8Array, binaryLength = 0): Uint8Array {
  checkUint32('binaryLength', binaryLength);
  const out = new Uint8Array(padded(HEADER_BYTES + protobuf.length));
  const view = new DataView(out.buffer);
  view.setUint32(0, protobuf.length, true);
  view.setUint32(4, binaryLength, true);
  out.set(protobuf, HEADER_BYTES);
  return out;
}

/** The protobuf bytes of a framed message (a view, not a copy) and the announced binary payload length. */
export function unframeMessage(message: Uint8Array): { protobuf: Uint8Array; binaryLength: number } {
  const { start, end, binaryLength } = readFrame(message);
  return { protobuf: message.subarray(start, end), binaryLength };
}

function readFrame(message: Uint8Array): { start: number; end: number; binaryLength: number } {
  if (message.length < HEADER_BYTES) {
    throw new DcvMessageError(`message of ${message.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  }
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const length = view.getUint32(0, true);
  const binaryLength = view.getUint32(4, true);
  const end = HEADER_BYTES + length;
  if (end > message.length) {
    throw new DcvMessageError(`header announces ${length} protobuf bytes but the message has only ${message.length - HEADER_BYTES} after the header`);
  }
  if (message.length !== padded(end)) {
    throw new DcvMessageError(`message of ${message.length} bytes with ${length} protobuf bytes should be ${padded(end)} bytes long (padded to a multiple of 8)`);
  }
  for (let i = end; i < message.length; i++) {
    if (message[i] !== 0) throw new DcvMessageError(`padding byte ${i} is ${message[i]}, not 0`);
  }
  return { start: HEADER_BYTES, end, binaryLength };
}

// ---------------------------------------------------------------------------------------------
// Message shapes. Scalars are always present on decoded messages (proto3 has no presence for
// them: absent means 0, '' or false); sub-messages are present only when they were on the
// wire. Scalars marked optional here are ones a sender usually leaves out; the decoders leave
// them out when they hold the default value, so such a message round-trips as it was written.

export interface Version {
  major: number;
  minor: number;
  revision: number;
}

export interface ProtocolVersion {
  major: number;
  minor: number;
}

/** dcv.setup ClientInfo and ServerInfo (the same shape). */
export interface PeerInfo {
  name: string;
  version?: Version;
  os: string;
  arch: string;
  hostname: string;
}

export interface ConnectionRequest {
  kind: 'connectionRequest';
  sessionId: string;
  authenticationToken: string;
  clientInfo?: PeerInfo;
  maxProtocolVersion?: ProtocolVersion;
  extensionData?: string;
}

export interface ChannelConnectionRequest {
  kind: 'channelConnectionRequest';
  sessionId: string;
  connectionId: number;
  channelName: string;
  authenticationToken: string;
  maxProtocolVersion?: ProtocolVersion;
  /** int32; absent means 0. */
  requestedEncryptionMode?: number;
  extensionData?: string;
}

/** dcv.setup.ClientMessage: the first message of every `/ws` socket. */
export type SetupClientMessage = ConnectionRequest | ChannelConnectionRequest;

export interface ConnectionConfirm {
  kind: 'connectionConfirm';
  connectionId: number;
  serverInfo?: PeerInfo;
  protocolVersion?: ProtocolVersion;
}

export interface ChannelConnectionConfirm {
  kind: 'channelConnectionConfirm';
  channelConnectionId: number;
  protocolVersion?: ProtocolVersion;
  encryption: boolean;
}

export interface ConnectionAbort {
  kind: 'connectionAbort';
  /** An AbortReason value; servers may send values this file does not know. */
  reason: number;
}

/** dcv.setup.ServerMessage: the server's answer on a `/ws` socket. */
export type SetupServerMessage = ConnectionConfirm | ChannelConnectionConfirm | ConnectionAbort;

export const AbortReason = {
  GENERIC_ERROR: 0,
  INTERNAL_SERVER_ERROR: 1,
  PROTOCOL_ERROR: 2,
  INVALID_SESSION_ID: 10,
  INVALID_CONNECTION_ID: 11,
  AUTHENTICATION_FAILED: 20,
  CONNECTION_LIMIT_REACHED: 30,
  SERVER_UNREACHABLE: 40,
} as const;

export function abortReasonName(n: number): string {
  for (const [name, value] of Object.entries(AbortReason)) if (value === n) return name;
  return `UNKNOWN_${n}`;
}

/** dcv.auth.ClientMessage: what the client sends on `<base>/auth`. */
export type AuthClientMessage =
  | { kind: 'authenticationRequest' }
  | { kind: 'saslStart'; mechanism: string; authData: Uint8Array }
  | { kind: 'saslStep'; authData: Uint8Array };

export const AuthResultValue = { FAIL: 0, OK: 1, REJECT: 2 } as const;

export interface SessionTarget {
  sessionId: string;
  authenticationToken: string;
}

/** dcv.auth.ServerMessage. An OK result without session targets is the SDK's "No session is available". */
export type AuthServerMessage =
  | { kind: 'authenticationInit'; authenticationMode: string; mechanisms: string[] }
  | { kind: 'saslChallenge'; authData: Uint8Array }
  | { kind: 'authenticationResult'; resultValue: number; sessionTargets: SessionTarget[]; retriesLeft: number };

// ---------------------------------------------------------------------------------------------
// The protobuf writer: fields in ascending number order, defaults left out (proto3).

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const utf8Encoder = new TextEncoder();
// fatal: proto3 strings must be valid UTF-8; ignoreBOM: a leading U+FEFF is content, not a marker.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function checkUint32(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > MAX_UINT32) throw new DcvMessageError(`${what} must be a uint32, got ${v}`);
}

function checkInt32(what: string, v: number): void {
  if (!Number.isInteger(v) || v < -0x8000_0000 || v > 0x7fff_ffff) throw new DcvMessageError(`${what} must be an int32, got ${v}`);
}

class Writer {
  private parts: Uint8Array[] = [];
  private length = 0;

  uint32(field: number, v: number, what: string): void {
    checkUint32(what, v);
    if (v !== 0) this.tag(field, WIRE_VARINT).varint(v, 0);
  }

  /** int32 and enums: a negative value is sign-extended to 64 bits (10 bytes), as protobuf does. */
  int32(field: number, v: number, what: string): void {
    checkInt32(what, v);
    if (v !== 0) this.tag(field, WIRE_VARINT).varint(v >>> 0, v < 0 ? MAX_UINT32 : 0);
  }

  bool(field: number, v: boolean): void {
    if (v) this.tag(field, WIRE_VARINT).varint(1, 0);
  }

  string(field: number, v: string | undefined): void {
    if (v) this.bytes(field, utf8Encoder.encode(v));
  }

  /** Repeated elements are all written, even empty ones. */
  repeatedString(field: number, vs: readonly string[]): void {
    for (const v of vs) this.len(field, utf8Encoder.encode(v));
  }

  bytes(field: number, v: Uint8Array): void {
    if (v.length) this.len(field, v);
  }

  /** A sub-message is written whenever it is set, even empty: its presence is the information. */
  message<T>(field: number, v: T | undefined, write: (w: Writer, v: T) => void): void {
    if (v === undefined) return;
    const sub = new Writer();
    write(sub, v);
    this.len(field, sub.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  private len(field: number, v: Uint8Array): void {
    this.tag(field, WIRE_LEN).varint(v.length, 0);
    this.push(v);
  }

  private tag(field: number, wire: number): this {
    return this.varint(((field << 3) | wire) >>> 0, 0);
  }

  /** A varint of the 64-bit value hi·2^32 + lo (both uint32). */
  private varint(lo: number, hi: number): this {
    const out: number[] = [];
    while (hi !== 0 || lo > 0x7f) {
      out.push((lo & 0x7f) | 0x80);
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    out.push(lo);
    this.push(Uint8Array.from(out));
    return this;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
}

// ---------------------------------------------------------------------------------------------
// The protobuf reader: one pass collects every field (wire type, absolute offset, value), typed
// accessors then read the ones the schema knows. Offsets are bytes of the framed message.

type Field =
  | { wire: typeof WIRE_VARINT; offset: number; lo: number; hi: number }
  | { wire: typeof WIRE_LEN; offset: number; start: number; end: number }
  | { wire: typeof WIRE_FIXED64 | typeof WIRE_FIXED32; offset: number };

const WIRE_NAMES: Record<number, string> = { 0: 'varint', 1: '64-bit', 2: 'length-delimited', 5: '32-bit' };

class Fields {
  private constructor(
    private readonly buf: Uint8Array,
    readonly name: string,
    private readonly byNumber: Map<number, Field[]>,
  ) {}

  static parse(buf: Uint8Array, start: number, end: number, name: string): Fields {
    return new Fields(buf, name, Fields.collect(buf, start, end, name, new Map()));
  }

  private static collect(buf: Uint8Array, start: number, end: number, name: string, into: Map<number, Field[]>): Map<number, Field[]> {
    let pos = start;
    while (pos < end) {
      const offset = pos;
      const tag = readVarint(buf, pos, end, name);
      pos = tag.next;
      const wire = tag.lo & 7;
      const number = tag.lo >>> 3;
      if (tag.hi !== 0 || number === 0) throw new DcvMessageError(`${name}: invalid field number at byte ${offset}`);
      let field: Field;
      if (wire === WIRE_VARINT) {
        const v = readVarint(buf, pos, end, name);
        pos = v.next;
        field = { wire, offset, lo: v.lo, hi: v.hi };
      } else if (wire === WIRE_LEN) {
        const n = readVarint(buf, pos, end, name);
        if (n.hi !== 0 || n.lo > end - n.next) {
          throw new DcvMessageError(`${name}: field ${number} at byte ${offset} announces ${lengthText(n)} bytes, only ${end - n.next} left`);
        }
        field = { wire, offset, start: n.next, end: n.next + n.lo };
        pos = field.end;
      } else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) {
        const size = wire === WIRE_FIXED64 ? 8 : 4;
        if (end - pos < size) throw new DcvMessageError(`${name}: field ${number} at byte ${offset} is truncated (${WIRE_NAMES[wire]})`);
        field = { wire, offset };
        pos += size;
      } else {
        // 3 and 4 are proto2 groups (DCV never uses them), 6 and 7 do not exist.
        throw new DcvMessageError(`${name}: field ${number} at byte ${offset} has unsupported wire type ${wire}`);
      }
      const list = into.get(number);
      if (list) list.push(field);
      else into.set(number, [field]);
    }
    return into;
  }

  uint32(n: number): number {
    const f = this.last(n, WIRE_VARINT);
    return f ? f.lo >>> 0 : 0; // protobuf truncates a wider varint to the field's 32 bits
  }

  int32(n: number): number {
    const f = this.last(n, WIRE_VARINT);
    return f ? f.lo | 0 : 0;
  }

  bool(n: number): boolean {
    const f = this.last(n, WIRE_VARINT);
    return f ? f.lo !== 0 || f.hi !== 0 : false;
  }

  string(n: number): string {
    const f = this.last(n, WIRE_LEN);
    return f ? this.text(f) : '';
  }

  repeatedString(n: number): string[] {
    return this.all(n, WIRE_LEN).map((f) => this.text(f));
  }

  /** A copy, so the result does not pin or alias the caller's buffer. */
  bytes(n: number): Uint8Array {
    const f = this.last(n, WIRE_LEN);
    return f ? this.buf.slice(f.start, f.end) : new Uint8Array(0);
  }

  /** A present sub-message (possibly empty); several occurrences merge, as in protobuf. */
  message(n: number, name: string): Fields | undefined {
    return this.merge(this.all(n, WIRE_LEN), name);
  }

  repeatedMessage(n: number, name: string): Fields[] {
    return this.all(n, WIRE_LEN).map((f) => this.merge([f], name)!);
  }

  /**
   * The member of a oneof that was set last, with its sub-message: the occurrences of that
   * member after the last occurrence of any other member merge (an earlier one was cleared).
   */
  oneof<K extends number>(members: Record<K, string>): { member: K; fields: Fields } {
    const numbers = Object.keys(members).map(Number) as K[];
    const seen = numbers.flatMap((n) => (this.byNumber.get(n) ?? []).map((f) => ({ n, f }))).sort((a, b) => a.f.offset - b.f.offset);
    if (!seen.length) {
      const other = [...this.byNumber.keys()].join(', ') || 'none';
      throw new DcvMessageError(`${this.name} has none of the fields ${numbers.join(', ')} (fields present: ${other})`);
    }
    const member = seen[seen.length - 1].n;
    let from = seen.length - 1;
    while (from > 0 && seen[from - 1].n === member) from--;
    const occurrences = seen.slice(from).map(({ f }) => this.expect(member, f, WIRE_LEN));
    return { member, fields: this.merge(occurrences, members[member])! };
  }

  private merge(occurrences: Extract<Field, { wire: 2 }>[], name: string): Fields | undefined {
    if (!occurrences.length) return undefined;
    const map = new Map<number, Field[]>();
    for (const f of occurrences) Fields.collect(this.buf, f.start, f.end, name, map);
    return new Fields(this.buf, name, map);
  }

  private text(f: Extract<Field, { wire: 2 }>): string {
    try {
      return utf8Decoder.decode(this.buf.subarray(f.start, f.end));
    } catch {
      throw new DcvMessageError(`${this.name}: string at byte ${f.offset} is not valid UTF-8`);
    }
  }

  private last<W extends Field['wire']>(n: number, wire: W): Extract<Field, { wire: W }> | undefined {
    const list = this.all(n, wire);
    return list[list.length - 1];
  }

  private all<W extends Field['wire']>(n: number, wire: W): Extract<Field, { wire: W }>[] {
    return (this.byNumber.get(n) ?? []).map((f) => this.expect(n, f, wire));
  }

  /**
   * A known field with another wire type means our idea of the schema is wrong: protobuf
   * would keep it as an unknown field, here it is an error so that the doctor says so.
   */
  private expect<W extends Field['wire']>(n: number, f: Field, wire: W): Extract<Field, { wire: W }> {
    if (f.wire !== wire) {
      throw new DcvMessageError(`${this.name}: field ${n} at byte ${f.offset} is ${WIRE_NAMES[f.wire]}, expected ${WIRE_NAMES[wire]}`);
    }
    return f as Extract<Field, { wire: W }>;
  }
}

function lengthText(n: { lo: number; hi: number }): string {
  return n.hi === 0 ? String(n.lo) : 'more than 2^32';
}

/** A varint as two uint32 halves (no BigInt, no precision loss); at most 10 bytes. */
function readVarint(buf: Uint8Array, pos: number, end: number, name: string): { lo: number; hi: number; next: number } {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end) throw new DcvMessageError(`${name}: varint at byte ${pos} is truncated`);
    const b = buf[pos + i] & 0x7f;
    if (i < 4) lo |= b << (7 * i);
    else if (i === 4) {
      lo |= b << 28;
      hi |= b >>> 4;
    } else hi |= b << (7 * i - 32);
    if (buf[pos + i] < 0x80) return { lo: lo >>> 0, hi: hi >>> 0, next: pos + i + 1 };
  }
  throw new DcvMessageError(`${name}: varint at byte ${pos} is longer than 10 bytes`);
}

// ---------------------------------------------------------------------------------------------
// dcv.setup

function writeVersion(w: Writer, v: Version): void {
  w.uint32(1, v.major, 'version.major');
  w.uint32(2, v.minor, 'version.minor');
  w.uint32(3, v.revision, 'version.revision');
}

function writeProtocolVersion(w: Writer, v: ProtocolVersion): void {
  w.uint32(1, v.major, 'protocolVersion.major');
  w.uint32(2, v.minor, 'protocolVersion.minor');
}

function writePeerInfo(w: Writer, v: PeerInfo): void {
  w.string(1, v.name);
  w.message(2, v.version, writeVersion);
  w.string(3, v.os);
  w.string(4, v.arch);
  w.string(5, v.hostname);
}

function readVersion(f: Fields): Version {
  return { major: f.uint32(1), minor: f.uint32(2), revision: f.uint32(3) };
}

function readProtocolVersion(f: Fields): ProtocolVersion {
  return { major: f.uint32(1), minor: f.uint32(2) };
}

function readPeerInfo(f: Fields): PeerInfo {
  const version = f.message(2, 'dcv.setup.Version');
  return {
    name: f.string(1),
    ...(version && { version: readVersion(version) }),
    os: f.string(3),
    arch: f.string(4),
    hostname: f.string(5),
  };
}

/** `{ key: value }` when the value is present (a sub-message) or not the default (an optional scalar), else `{}`. */
function optional<K extends string, V>(key: K, value: V | undefined, isDefault = value === undefined): { [P in K]?: V } {
  return isDefault ? {} : ({ [key]: value } as { [P in K]?: V });
}

export function encodeSetupClientMessage(m: SetupClientMessage): Uint8Array {
  const w = new Writer();
  if (m.kind === 'connectionRequest') {
    w.message(10, m, (w, r) => {
      w.string(1, r.sessionId);
      w.string(10, r.authenticationToken);
      w.message(20, r.clientInfo, writePeerInfo);
      w.message(30, r.maxProtocolVersion, writeProtocolVersion);
      w.string(40, r.extensionData);
    });
  } else {
    w.message(11, m, (w, r) => {
      w.string(1, r.sessionId);
      w.uint32(2, r.connectionId, 'connectionId');
      w.string(3, r.channelName);
      w.string(10, r.authenticationToken);
      w.message(20, r.maxProtocolVersion, writeProtocolVersion);
      w.int32(30, r.requestedEncryptionMode ?? 0, 'requestedEncryptionMode');
      w.string(40, r.extensionData);
    });
  }
  return frameMessage(w.finish());
}

export function decodeSetupClientMessage(message: Uint8Array): SetupClientMessage {
  const { start, end } = readFrame(message);
  const top = Fields.parse(message, start, end, 'dcv.setup.ClientMessage');
  const { member, fields: f } = top.oneof({ 10: 'dcv.setup.ConnectionRequest', 11: 'dcv.setup.ChannelConnectionRequest' });
  if (member === 10) {
    const clientInfo = f.message(20, 'dcv.setup.ClientInfo');
    const maxProtocolVersion = f.message(30, 'dcv.setup.ProtocolVersion');
    const extensionData = f.string(40);
    return {
      kind: 'connectionRequest',
      sessionId: f.string(1),
      authenticationToken: f.string(10),
      ...optional('clientInfo', clientInfo && readPeerInfo(clientInfo)),
      ...optional('maxProtocolVersion', maxProtocolVersion && readProtocolVersion(maxProtocolVersion)),
      ...optional('extensionData', extensionData, extensionData === ''),
    };
  }
  const maxProtocolVersion = f.message(20, 'dcv.setup.ProtocolVersion');
  const requestedEncryptionMode = f.int32(30);
  const extensionData = f.string(40);
  return {
    kind: 'channelConnectionRequest',
    sessionId: f.string(1),
    connectionId: f.uint32(2),
    channelName: f.string(3),
    authenticationToken: f.string(10),
    ...optional('maxProtocolVersion', maxProtocolVersion && readProtocolVersion(maxProtocolVersion)),
    ...optional('requestedEncryptionMode', requestedEncryptionMode, requestedEncryptionMode === 0),
    ...optional('extensionData', extensionData, extensionData === ''),
  };
}

export function encodeSetupServerMessage(m: SetupServerMessage): Uint8Array {
  const w = new Writer();
  switch (m.kind) {
    case 'connectionConfirm':
      w.message(10, m, (w, c) => {
        w.uint32(1, c.connectionId, 'connectionId');
        w.message(20, c.serverInfo, writePeerInfo);
        w.message(30, c.protocolVersion, writeProtocolVersion);
      });
      break;
    case 'channelConnectionConfirm':
      w.message(11, m, (w, c) => {
        w.uint32(1, c.channelConnectionId, 'channelConnectionId');
        w.message(20, c.protocolVersion, writeProtocolVersion);
        w.bool(30, c.encryption);
      });
      break;
    case 'connectionAbort':
      w.message(20, m, (w, a) => w.int32(1, a.reason, 'reason'));
      break;
  }
  return frameMessage(w.finish());
}

export function decodeSetupServerMessage(message: Uint8Array): SetupServerMessage {
  const { start, end } = readFrame(message);
  const top = Fields.parse(message, start, end, 'dcv.setup.ServerMessage');
  const { member, fields: f } = top.oneof({
    10: 'dcv.setup.ConnectionConfirm',
    11: 'dcv.setup.ChannelConnectionConfirm',
    20: 'dcv.setup.ConnectionAbort',
  });
  if (member === 10) {
    const serverInfo = f.message(20, 'dcv.setup.ServerInfo');
    const protocolVersion = f.message(30, 'dcv.setup.ProtocolVersion');
    return {
      kind: 'connectionConfirm',
      connectionId: f.uint32(1),
      ...optional('serverInfo', serverInfo && readPeerInfo(serverInfo)),
      ...optional('protocolVersion', protocolVersion && readProtocolVersion(protocolVersion)),
    };
  }
  if (member === 11) {
    const protocolVersion = f.message(20, 'dcv.setup.ProtocolVersion');
    return {
      kind: 'channelConnectionConfirm',
      channelConnectionId: f.uint32(1),
      ...optional('protocolVersion', protocolVersion && readProtocolVersion(protocolVersion)),
      encryption: f.bool(30),
    };
  }
  return { kind: 'connectionAbort', reason: f.int32(1) };
}

/** The decoded server message, or undefined when `message` is not one (for a first look at a socket). */
export function peekSetupServerMessage(message: Uint8Array): SetupServerMessage | undefined {
  try {
    return decodeSetupServerMessage(message);
  } catch (e) {
    if (e instanceof DcvMessageError) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// dcv.auth

export function encodeAuthClientMessage(m: AuthClientMessage): Uint8Array {
  const w = new Writer();
  switch (m.kind) {
    case 'authenticationRequest':
      w.message(10, m, () => {});
      break;
    case 'saslStart':
      w.message(20, m, (w, s) => {
        w.string(1, s.mechanism);
        w.bytes(10, s.authData);
      });
      break;
    case 'saslStep':
      w.message(30, m, (w, s) => w.bytes(1, s.authData));
      break;
  }
  return frameMessage(w.finish());
}

export function decodeAuthClientMessage(message: Uint8Array): AuthClientMessage {
  const { start, end } = readFrame(message);
  const top = Fields.parse(message, start, end, 'dcv.auth.ClientMessage');
  const { member, fields: f } = top.oneof({
    10: 'dcv.auth.AuthenticationRequest',
    20: 'dcv.auth.SaslStart',
    30: 'dcv.auth.SaslStep',
  });
  if (member === 10) return { kind: 'authenticationRequest' };
  if (member === 20) return { kind: 'saslStart', mechanism: f.string(1), authData: f.bytes(10) };
  return { kind: 'saslStep', authData: f.bytes(1) };
}

export function encodeAuthServerMessage(m: AuthServerMessage): Uint8Array {
  const w = new Writer();
  switch (m.kind) {
    case 'authenticationInit':
      w.message(10, m, (w, i) => {
        w.string(1, i.authenticationMode);
        w.repeatedString(10, i.mechanisms);
      });
      break;
    case 'saslChallenge':
      w.message(20, m, (w, c) => w.bytes(1, c.authData));
      break;
    case 'authenticationResult':
      w.message(30, m, (w, r) => {
        w.int32(1, r.resultValue, 'resultValue');
        for (const t of r.sessionTargets) {
          w.message(10, t, (w, t) => {
            w.string(1, t.sessionId);
            w.string(10, t.authenticationToken);
          });
        }
        w.uint32(20, r.retriesLeft, 'retriesLeft');
      });
      break;
  }
  return frameMessage(w.finish());
}

export function decodeAuthServerMessage(message: Uint8Array): AuthServerMessage {
  const { start, end } = readFrame(message);
  const top = Fields.parse(message, start, end, 'dcv.auth.ServerMessage');
  const { member, fields: f } = top.oneof({
    10: 'dcv.auth.AuthenticationInit',
    20: 'dcv.auth.SaslChallenge',
    30: 'dcv.auth.AuthenticationResult',
  });
  if (member === 10) return { kind: 'authenticationInit', authenticationMode: f.string(1), mechanisms: f.repeatedString(10) };
  if (member === 20) return { kind: 'saslChallenge', authData: f.bytes(1) };
  return {
    kind: 'authenticationResult',
    resultValue: f.int32(1),
    sessionTargets: f.repeatedMessage(10, 'dcv.auth.SessionTarget').map((t) => ({ sessionId: t.string(1), authenticationToken: t.string(10) })),
    retriesLeft: f.uint32(20),
  };
}
