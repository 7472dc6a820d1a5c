/**
 * OAuth 2.0 client credentials for the Broker's client API: the token request, and an
 * in-memory cache that renews at 80 % of `expires_in` (as AWS's Access Console does), shares one
 * request among concurrent callers, and renews on a 401 only when the token that failed is still
 * the cached one (so ten calls failing together cause one renewal, not ten).
 *
 * The request, as AWS documents the Broker's: `POST /oauth2/token?grant_type=client_credentials`,
 * `Authorization: Basic base64(id:password)` with both form-urlencoded first (RFC 6749 §2.3.1),
 * `Content-Type: application/x-www-form-urlencoded`, empty body. An external authorization server
 * (a token URL) is a standard one: there `grant_type` goes in the form body (RFC 6749 §4.4.2),
 * since a standard server reads parameters from the body and refuses one given twice.
 */
import { formatHostPort } from '../proxy-list';
import type { HttpAnswer, HttpCall } from './broker-http';
import { errorTextOf, isRecord, jsonOf, params, type Where } from './broker-errors';
import { BrokerError } from './types';

export interface AccessToken {
  token: string;
  /** Seconds, as the token endpoint said; undefined when it did not (then: until a 401). */
  expiresIn?: number;
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 asks for the id and password before Basic. */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

export function basicAuthorization(clientId: string, clientPassword: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientPassword)}`, 'utf8').toString('base64')}`;
}

/** The token request: the Broker's own endpoint (grant type in the query) or an external one (in the body). */
export function tokenRequest(clientId: string, clientPassword: string, tokenUrl: URL | undefined): HttpCall {
  const headers = { Authorization: basicAuthorization(clientId, clientPassword), 'Content-Type': 'application/x-www-form-urlencoded' };
  if (!tokenUrl) return { method: 'POST', path: '/oauth2/token?grant_type=client_credentials', headers, body: '' };
  return { method: 'POST', path: `${tokenUrl.pathname || '/'}${tokenUrl.search}`, headers, body: 'grant_type=client_credentials' };
}

/** OAuth2 errors (RFC 6749 §5.2) that mean "these client credentials are not accepted". */
const REFUSED = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant', 'access_denied']);

/** The token endpoint's answer read into a token, or the BrokerError it means. */
export function readTokenAnswer(answer: HttpAnswer, where: Where): AccessToken {
  const at = formatHostPort(where.host, where.port);
  if (answer.status !== 200) {
    const body = (() => {
      try {
        return JSON.parse(answer.body.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    })();
    const oauthError = isRecord(body) && typeof body.error === 'string' ? body.error : undefined;
    const error = errorTextOf(answer);
    const p = params({ ...where, status: answer.status, error, step: 'token' });
    if (answer.status === 401 || answer.status === 403 || (oauthError !== undefined && REFUSED.has(oauthError))) {
      return throwError(new BrokerError('BROKER_AUTH_FAILED', `the token endpoint at ${at} refused the client id and password (HTTP ${answer.status}${error ? `, ${error}` : ''})`, p, { status: answer.status }));
    }
    const code = answer.status === 400 ? 'BROKER_INVALID_REQUEST' : 'BROKER_ERROR';
    return throwError(new BrokerError(code, `the token endpoint at ${at} answered HTTP ${answer.status}${error ? ` (${error})` : ''}`, p, { status: answer.status }));
  }
  const body = jsonOf(answer, where, 'the token request');
  const token = isRecord(body) ? body.access_token : undefined;
  const type = isRecord(body) ? body.token_type : undefined;
  if (typeof token !== 'string' || token === '' || /[\s\u0000-\u001f\u007f]/.test(token)) {
    return throwError(new BrokerError('BROKER_BAD_RESPONSE', `the token endpoint at ${at} answered 200 without a usable access_token`, { ...where, status: 200, step: 'token' }));
  }
  if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) {
    return throwError(new BrokerError('BROKER_BAD_RESPONSE', `the token endpoint at ${at} issued a token of type "${String(type)}", not Bearer`, { ...where, status: 200, step: 'token' }));
  }
  const raw = isRecord(body) ? body.expires_in : undefined;
  // Some servers send the number as a string; anything unreadable means "no stated lifetime".
  const expiresIn = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
  return expiresIn !== undefined && Number.isFinite(expiresIn) && expiresIn >= 0 ? { token, expiresIn } : { token };
}

function throwError(e: BrokerError): never {
  throw e;
}

/** Renew when this share of the lifetime has passed. */
const RENEW_AT = 0.8;

/**
 * The cached token. `fetch` asks the token endpoint (and throws a BrokerError when refused);
 * it is never called twice at once, and a refusal is not cached (the next call asks again, once).
 */
export class AccessTokenCache {
  private cached?: { token: string; renewAt: number };
  private inFlight?: Promise<string>;
  /** reset() bumps it, so a request already under way does not refill a cleared cache. */
  private generation = 0;

  constructor(
    private readonly fetch: () => Promise<AccessToken>,
    private readonly now: () => number,
  ) {}

  /** The cached token while fresh, else a new one. A just-fetched token is used even if its lifetime is 0. */
  current(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return Promise.resolve(this.cached.token);
    return this.renew();
  }

  /** After a 401 with `failed`: a new token, unless someone already replaced that one. */
  renewAfterRefusal(failed: string): Promise<string> {
    if (this.cached && this.cached.token !== failed) return Promise.resolve(this.cached.token);
    return this.renew();
  }

  reset(): void {
    this.cached = undefined;
    this.inFlight = undefined;
    this.generation++;
  }

  private renew(): Promise<string> {
    if (this.inFlight) return this.inFlight;
    const generation = this.generation;
    const askedAt = this.now();
    const request = this.fetch().then(
      ({ token, expiresIn }) => {
        if (generation === this.generation) {
          this.cached = { token, renewAt: expiresIn === undefined ? Infinity : askedAt + expiresIn * 1000 * RENEW_AT };
          this.inFlight = undefined;
        }
        return token;
      },
      (e: unknown) => {
        if (generation === this.generation) this.inFlight = undefined;
        throw e;
      },
    );
    this.inFlight = request;
    return request;
  }
}
