/**
 * The Broker client's shapes: what the app, the doctor and the CLI ask the DCV Session Manager
 * Broker, and the plain data they get back. The wire shapes are the generated OpenAPI types
 * (api/broker-api.generated.ts); these are the few facts the launcher reads from them,
 * normalised (a Port that the definition types as a string becomes a number, tags a record).
 */
import type { MessageParam } from '../messages';
import type { AddressOverride, DialStep, ProxyCredentials, RouteEntry, TrustPolicy } from '../types';

/** Where the Broker's client API is: the endpoint name and the Broker port, with the address override. */
export interface BrokerEndpoint {
  host: string;
  port: number;
  resolve?: AddressOverride[];
}

export type BrokerAuth =
  /** OAuth2 client credentials; the token endpoint is the Broker's /oauth2/token unless tokenUrl names another. */
  | { kind: 'client-credentials'; clientId: string; clientPassword: string; tokenUrl?: string }
  /** enable-authorization = false. */
  | { kind: 'none' };

export interface BrokerClientOptions {
  broker: BrokerEndpoint;
  /** The same route the endpoint's desktops take (proxy rule, PAC-style or parsed). */
  route: string | RouteEntry[];
  proxyCredentials?: ProxyCredentials;
  /** How the Broker's certificate is checked (its pin, like a desktop's). */
  trust: TrustPolicy;
  auth: BrokerAuth;
  /** An external token URL's host: its own trust (default: the system store) and address overrides. */
  tokenEndpoint?: { trust?: TrustPolicy; resolve?: AddressOverride[] };
  timeouts?: { connectMs?: number; handshakeMs?: number; requestMs?: number };
  /** Each dial's steps as they end (the doctor's broker-dns … broker-tls). */
  onStep?: (step: DialStep) => void;
  /** For the token cache (tests move time). Default Date.now. */
  now?: () => number;
}

export interface SessionServer {
  id?: string;
  ip: string;
  hostname: string;
  defaultDnsName?: string;
  /** Server.Port, which the definition types as a string. */
  port?: number;
  webUrlPath: string;
  endpoints: Array<{ address: string; port: number; protocol: string; webUrlPath: string }>;
  tags: Record<string, string>;
}

export interface SessionSummary {
  id: string;
  name: string;
  owner: string;
  /** As written on the wire (Virtual, Console; casing unconfirmed: compare case-insensitively). */
  type: string;
  state: string;
  substate?: string;
  stateReason?: string;
  creationTime?: string;
  lastDisconnectionTime?: string;
  numOfConnections?: number;
  maxConcurrentClients?: number;
  server: SessionServer;
}

export interface DescribeQuery {
  owner?: string;
  tags?: Array<{ key: string; value: string }>;
  sessionIds?: string[];
  /** MaxResults per page, 1–1000; default 1000. */
  pageSize?: number;
  /** After each page: how many pages and sessions so far, and how many sessions were unreadable (no Id) and left out. */
  onPage?: (progress: { pages: number; sessions: number; skipped: number }) => void;
  signal?: AbortSignal;
}

export interface CreateSessionInput {
  name: string;
  owner: string;
  type: 'Virtual' | 'Console';
  requirements?: string;
  maxConcurrentClients?: number;
}

export interface BrokerClient {
  /** Every page, following NextToken. */
  describeSessions(query?: DescribeQuery): Promise<SessionSummary[]>;
  /** A fresh ConnectionToken for `user` (right before an open; never stored). */
  getSessionConnectionData(sessionId: string, user: string): Promise<{ session: SessionSummary; connectionToken: string }>;
  /** Per-item failures come back inside a 200: both lists are returned. */
  createSessions(items: CreateSessionInput[]): Promise<{ created: SessionSummary[]; failed: Array<{ name: string; reason: string }> }>;
  deleteSessions(items: Array<{ sessionId: string; owner: string; force?: boolean }>): Promise<{ deleted: Array<{ sessionId: string; state: string }>; failed: Array<{ sessionId: string; reason: string }> }>;
  /** Forget the cached access token (the password changed). */
  reset(): void;
}

export type BrokerErrorCode =
  /** The Broker (or the token URL) cannot be reached: `cause` is the dial's TunnelError (DNS, TCP, proxy, TLS, pin). */
  | 'BROKER_UNREACHABLE'
  /** The token endpoint refused the client id/password, or the Broker refused a fresh token (401 after one renewal). */
  | 'BROKER_AUTH_FAILED'
  /** 403: this client may not do that. */
  | 'BROKER_FORBIDDEN'
  | 'SESSION_NOT_FOUND'
  /** The session exists but is not READY (state and reason in params). */
  | 'SESSION_NOT_READY'
  /** 400 "Invalid input": the request was refused as malformed. */
  | 'BROKER_INVALID_REQUEST'
  /** Any other status (5xx, …). */
  | 'BROKER_ERROR'
  /** Not JSON, or not the definition's shape. */
  | 'BROKER_BAD_RESPONSE'
  | 'BROKER_TIMEOUT';

/** A Broker call that failed: a stable code, the facts for the user's language, an English message. */
export class BrokerError extends Error {
  readonly code: BrokerErrorCode;
  readonly params: Record<string, MessageParam>;
  readonly status?: number;

  constructor(code: BrokerErrorCode, message: string, params: Record<string, MessageParam> = {}, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'BrokerError';
    this.code = code;
    this.params = params;
    this.status = options?.status;
  }
}

export function isBrokerError(e: unknown): e is BrokerError {
  return e instanceof BrokerError;
}
