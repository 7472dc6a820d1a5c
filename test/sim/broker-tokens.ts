/**
 * The two kinds of token the Broker simulator hands out:
 * - OAuth 2.0 access tokens (client credentials grant) for its client API;
 * - connection tokens (GetSessionConnectionData's ConnectionToken) that a DCV server later
 *   sends to the agent port to have them verified.
 * Both are random and opaque; the simulator remembers what each one stands for.
 */
import { randomBytes } from 'node:crypto';

const opaque = (bytes: number) => randomBytes(bytes).toString('base64url');

export interface AccessToken {
  clientId: string;
  expiresAt: number;
}

export class AccessTokens {
  private readonly tokens = new Map<string, AccessToken>();

  issue(clientId: string, ttlSeconds: number): string {
    const token = opaque(32);
    this.tokens.set(token, { clientId, expiresAt: Date.now() + ttlSeconds * 1000 });
    return token;
  }

  /** The token's grant while it is valid, else undefined (unknown, expired or revoked alike). */
  check(token: string): AccessToken | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return t;
  }

  /** Every token issued so far stops working now. */
  expireAll(): void {
    this.tokens.clear();
  }
}

export interface ConnectionGrant {
  sessionId: string;
  user: string;
  expiresAt: number;
}

export type ConnectionCheck = { ok: true; grant: ConnectionGrant } | { ok: false; why: string };

export class ConnectionTokens {
  private readonly tokens = new Map<string, ConnectionGrant>();

  issue(sessionId: string, user: string, ttlMs: number): string {
    const token = opaque(48);
    this.tokens.set(token, { sessionId, user, expiresAt: Date.now() + ttlMs });
    return token;
  }

  /**
   * Valid when issued for this session and not expired. The Broker's rule on reuse is not
   * documented: by default a check does not use the token up (it stays good until it expires);
   * with `singleUse` the first successful check consumes it, as AWS ParallelCluster's own DCV
   * authenticator does — for tests that a client fetches a fresh token for every connect.
   */
  constructor(private readonly singleUse = false) {}

  check(token: string, sessionId: string): ConnectionCheck {
    const t = this.tokens.get(token);
    if (!t) return { ok: false, why: 'unknown authentication token' };
    if (t.expiresAt <= Date.now()) return { ok: false, why: 'authentication token expired' };
    if (t.sessionId !== sessionId) return { ok: false, why: `authentication token was issued for another session` };
    if (this.singleUse) this.tokens.delete(token);
    return { ok: true, grant: t };
  }

  /** Every token issued so far is expired from now on (they stay known, so the answer says "expired"). */
  expireAll(): void {
    const now = Date.now();
    for (const t of this.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  get size(): number {
    return this.tokens.size;
  }
}
