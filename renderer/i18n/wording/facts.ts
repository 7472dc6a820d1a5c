/**
 * What the advice of both languages reads from HintFacts the same way: which control sets the
 * port that was dialled, where the proxy is set, how a certificate or a server is named. Kept
 * apart from the sentences so English and Japanese cannot point at different controls.
 */
import type { CertificateSummary, HintFacts } from '../../../preload/contract/api';
import type { Place } from '../places';
import { hostPort } from './words';

/** The Broker's own CA, which a Gateway's [resolver] ca-file must name (SESSION-MANAGER.md). */
export const BROKER_CA = '/var/lib/dcvsmbroker/security/dcvsmbroker_ca.pem';

/**
 * The control that sets the port dialled: the Broker port; for a Session Manager desktop, the
 * source's Gateway port or its server rules; else the desktop's port (the NLB listener port of a
 * port-mapped desktop, the router's or Gateway's port otherwise).
 */
export function portPlace(f: HintFacts): Place {
  if (f.atBroker) return 'source.brokerPort';
  if (f.brokerHost) return f.via === 'gateway' ? 'source.gatewayPort' : 'source.rules';
  return f.pathPrefix !== '/' || f.via === 'gateway' ? 'desktop.port' : 'desktop.nlbPort';
}

/** Where the proxy that was used is set: its URL for a manual proxy, else the endpoint's route choice. */
export function proxyPlace(f: HintFacts): Place {
  return manualProxy(f) ? 'endpoint.proxyUrl' : 'endpoint.proxyMode';
}

export function manualProxy(f: HintFacts): boolean {
  return f.routeBecause?.code === 'route.profile.manual';
}

/** The names a certificate carries (subject, then SANs), or undefined when none is known. */
export function certNames(c: CertificateSummary | undefined): string | undefined {
  if (!c) return undefined;
  return [c.subject, ...c.subjectAltName].filter(Boolean).join(', ') || undefined;
}

/** How a subjectAltName entry for this host is written (openssl's form). */
export function sanFor(host: string): string {
  return /^[\d.]+$/.test(host) || host.includes(':') ? `IP:${host}` : `DNS:${host}`;
}

/** A regex alternative that matches exactly this literal. */
export function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The host of a Host header, without its port or brackets. */
export function hostOnly(hostHeader: string): string {
  return hostHeader.replace(/^\[([^\]]+)\](?::\d+)?$/, '$1').replace(/^([^:\]]+):\d+$/, '$1');
}

/** Where DescribeSessions says the session runs, as one technical token; undefined when unknown. */
export function serverOf(f: HintFacts): string | undefined {
  const s = f.sessionServer;
  if (!s || (!s.ip && !s.hostname)) return undefined;
  const name = s.ip || s.hostname;
  const shown = s.port ? hostPort(name, s.port) : name;
  return s.ip && s.hostname ? `${shown} (${s.hostname})` : shown;
}

/** The auth scheme a Proxy-Authenticate header offers first ("Negotiate"), and whether Basic is among them. */
export function proxyAuth(f: HintFacts): { scheme?: string; basic: boolean } {
  const header = f.proxyAuthenticate;
  if (!header) return { basic: true };
  return { scheme: header.split(/[\s,]/, 1)[0] || undefined, basic: /\bbasic\b/i.test(header) };
}
