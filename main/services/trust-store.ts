/**
 * Which upstream certificates the user trusts, per endpoint host:port (each NLB listener port
 * can be another agent with its own self-signed certificate). Pins are persisted in their own
 * JSON file; "trust once" pins live in memory until quit. A pinned endpoint presenting another
 * certificate is its own state, 'changed', and is never accepted without the user.
 */
import { rename } from 'node:fs/promises';
import { z } from 'zod';
import type { TrustEntry, TrustInspection } from '../../preload/contract/api';
import type { Endpoint } from '../../preload/contract/model';
import { expiresWithinDays, namesHost } from '../../tunnel/certificate';
import type { CertificateSummary } from '../../tunnel/errors';
import { parseFingerprint } from '../../tunnel/fingerprint';
import type { TrustPolicy } from '../../tunnel/types';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

export const TRUST_FILE = 'trust.json';
/** A certificate ending within this many days (or already ended) is flagged. */
export const EXPIRY_WARNING_DAYS = 30;

/** The pins one untrust() took away: the persisted one, the one for this session only, or both. */
export interface RemovedTrust {
  key: string;
  persisted?: TrustEntry;
  session?: TrustEntry;
}

/** Pin mode without a pin yet: connect once, show the certificate, let the user decide. */
export interface NeedsFirstUse {
  needs: 'first-use';
  key: string;
}

export interface TrustStore {
  /** Compare what an endpoint presented with its pins; remembers `presented` for `trust()`. */
  inspect(key: string, presented: CertificateSummary, chain?: CertificateSummary[]): TrustInspection;
  /**
   * Pin the certificate last presented at `key`: `fingerprint` must be that certificate's
   * (any form parseFingerprint reads). Replaces earlier pins for the key: an accepted
   * change retires the old certificate. `persist: false` trusts it until quit.
   */
  trust(key: string, fingerprint: string, persist: boolean): Promise<TrustEntry>;
  /** Was a certificate shown for the key since start (so `trust()` has one to pin)? */
  wasInspected(key: string): boolean;
  /** Forget every pin (persisted and session) for the key; what was removed, so it can be put back. */
  untrust(key: string): Promise<RemovedTrust | undefined>;
  /** Puts back what untrust() removed (Settings' Undo). */
  restore(removed: RemovedTrust): Promise<void>;
  /** Every trusted endpoint; a session pin shadows a persisted one for the same key. */
  list(): TrustEntry[];
  /** sha256/BASE64 fingerprints trusted for the key, session pins first. */
  pinsFor(key: string): string[];
  policyFor(endpoint: Endpoint, port: number): TrustPolicy | NeedsFirstUse;
  /** Set when the file was unreadable at open: it was moved aside and the store started empty. */
  readonly problem: string | null;
}

export interface TrustStoreOptions {
  /** Usually <data folder>/trust.json. */
  filePath: string;
  now?: () => Date;
}

/** "host:port" as the tunnel reaches the endpoint; IPv6 literals in brackets, names lower-cased. */
export function trustKey(host: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port} must be 1–65535`);
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (!h) throw new Error('host is empty');
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}

const KEY = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+):(\d{1,5})$/;

/** Checks and normalizes a key; the host part is returned without brackets. */
export function parseTrustKey(key: string): { key: string; host: string; port: number } {
  const m = KEY.exec(key.trim().toLowerCase());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new Error(`trust key "${key}" must look like host:port (e.g. 10.213.66.188:50001 or [::1]:8443)`);
  const host = m[1].replace(/^\[(.*)\]$/, '$1');
  return { key: trustKey(host, port), host, port };
}

const Certificate = z.object({
  subject: z.string(),
  issuer: z.string(),
  subjectAltName: z.array(z.string()),
  validFrom: z.string(),
  validTo: z.string(),
  fingerprint256: z.string(),
  fingerprint256Hex: z.string(),
  serialNumber: z.string(),
  selfSigned: z.boolean(),
  pem: z.string(),
});
const Entry = z.object({
  key: z.string(),
  fingerprints: z.array(z.string()).min(1),
  certificate: Certificate,
  trustedAt: z.string(),
});
const TrustFile = z.object({ version: z.literal(1), entries: z.array(Entry) });

/** sha256/BASE64, whatever form came in. */
function canonical(fingerprint: string): string {
  return `sha256/${parseFingerprint(fingerprint).toString('base64')}`;
}

export async function openTrustStore(opts: TrustStoreOptions): Promise<TrustStore> {
  const now = opts.now ?? (() => new Date());
  const persisted = new Map<string, TrustEntry>();
  const session = new Map<string, TrustEntry>();
  const lastPresented = new Map<string, CertificateSummary>();
  let problem: string | null = null;

  try {
    const raw = await readJsonFile(opts.filePath);
    if (raw !== undefined) {
      const parsed = TrustFile.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${opts.filePath}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      for (const entry of parsed.data.entries) {
        const { key } = parseTrustKey(entry.key);
        persisted.set(key, { ...entry, key, fingerprints: entry.fingerprints.map(canonical) });
      }
    }
  } catch (e) {
    // Losing pins is safe (the user is asked again); overwriting a file we cannot read is not.
    const movedTo = `${opts.filePath}.broken-${now().toISOString().replace(/[:.]/g, '-')}`;
    await rename(opts.filePath, movedTo);
    persisted.clear();
    problem = `${(e as Error).message} — moved to ${movedTo}; every endpoint will ask for trust again`;
  }

  const save = () => writeJsonFileAtomic(opts.filePath, { version: 1, entries: [...persisted.values()] });

  const pinsFor = (key: string): string[] => {
    const k = parseTrustKey(key).key;
    return [...new Set([...(session.get(k)?.fingerprints ?? []), ...(persisted.get(k)?.fingerprints ?? [])])];
  };

  return {
    get problem() {
      return problem;
    },

    inspect(key, presented, chain = [presented]) {
      const { key: k, host } = parseTrustKey(key);
      lastPresented.set(k, presented);
      const fingerprint = canonical(presented.fingerprint256);
      const pins = pinsFor(k);
      const state = pins.length === 0 ? 'untrusted' : pins.includes(fingerprint) ? 'trusted' : 'changed';
      const matching = [session.get(k), persisted.get(k)].find((e) => e?.fingerprints.includes(fingerprint));
      const trusted = state === 'trusted' ? matching : state === 'changed' ? (persisted.get(k) ?? session.get(k)) : undefined;
      return {
        key: k,
        state,
        presented,
        chain,
        ...(trusted ? { trusted } : {}),
        expiresSoon: expiresWithinDays(presented, EXPIRY_WARNING_DAYS, now()),
        namesEndpoint: namesHost(presented, host),
      };
    },

    async trust(key, fingerprint, persist) {
      const k = parseTrustKey(key).key;
      const presented = lastPresented.get(k);
      if (!presented) throw new Error(`nothing was inspected at ${k}: inspect the certificate before trusting it`);
      const wanted = canonical(fingerprint);
      const shown = canonical(presented.fingerprint256);
      if (wanted !== shown) {
        throw new Error(`fingerprint ${wanted} is not the certificate ${k} presented (${shown}): inspect again and trust what is shown`);
      }
      const entry: TrustEntry = { key: k, fingerprints: [shown], certificate: presented, trustedAt: now().toISOString() };
      if (persist) {
        persisted.set(k, entry);
        session.delete(k);
        await save();
      } else {
        session.set(k, entry);
      }
      return entry;
    },

    wasInspected(key) {
      return lastPresented.has(parseTrustKey(key).key);
    },

    async untrust(key) {
      const k = parseTrustKey(key).key;
      const removed: RemovedTrust = { key: k, ...(persisted.has(k) ? { persisted: persisted.get(k) } : {}), ...(session.has(k) ? { session: session.get(k) } : {}) };
      session.delete(k);
      if (persisted.delete(k)) await save();
      return removed.persisted || removed.session ? removed : undefined;
    },

    async restore(removed) {
      const k = parseTrustKey(removed.key).key;
      if (removed.session) session.set(k, removed.session);
      if (removed.persisted) {
        persisted.set(k, removed.persisted);
        await save();
      }
    },

    list() {
      const byKey = new Map(persisted);
      for (const [k, entry] of session) byKey.set(k, entry);
      return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
    },

    pinsFor,

    policyFor(endpoint, port) {
      const tls = endpoint.tls;
      if (tls.mode === 'ca') return { kind: 'ca', ca: tls.caPem };
      if (tls.mode === 'system') return { kind: 'system' };
      const key = trustKey(endpoint.host, port);
      const fingerprints = pinsFor(key);
      return fingerprints.length ? { kind: 'pin', fingerprints } : { needs: 'first-use', key };
    },
  };
}
