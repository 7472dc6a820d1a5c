/**
 * Where the app's controls are, by the labels on the way to them. Texts refer to them as
 * `{ui:<place>}` (dictionary texts) or `w.ui('<place>')` (the wording tables, where a place that
 * is not here does not compile); a test checks that every place used by any text is here, that
 * every label exists in both languages, and that the last label is what the control's form
 * really shows.
 */
import type { en } from './en';

type Key = keyof typeof en;

const places = {
  'endpoint.host': ['place.endpoint', 'endpoint.host'],
  'endpoint.addressOverride': ['place.endpoint', 'endpoint.addressOverride'],
  'endpoint.tlsMode': ['place.endpoint', 'endpoint.tlsMode'],
  'endpoint.proxyMode': ['place.endpoint', 'endpoint.proxyMode'],
  'endpoint.proxyUrl': ['place.endpoint', 'endpoint.proxyUrl'],
  'endpoint.proxyUsername': ['place.endpoint', 'endpoint.proxyUsername'],
  'endpoint.proxyPassword': ['place.endpoint', 'endpoint.proxyPassword'],
  'endpoint.hostHeader': ['place.endpoint', 'endpoint.advanced', 'endpoint.hostHeader'],
  'endpoint.origin': ['place.endpoint', 'endpoint.advanced', 'endpoint.origin'],
  'desktop.nlbPort': ['place.desktop', 'desktop.nlbPort'],
  'desktop.port': ['place.desktop', 'desktop.port'],
  'desktop.agent': ['place.desktop', 'desktop.agent'],
  'desktop.sessionId': ['place.desktop', 'desktop.sessionId'],
  'desktop.token': ['place.desktop', 'desktop.token'],
  'desktop.webUrlPath': ['place.desktop', 'desktop.webUrlPath'],
  'profile.localPort': ['place.profile', 'profile.localPort'],
  'source.brokerPort': ['place.source', 'source.brokerPort'],
  'source.authKind': ['place.source', 'source.authKind'],
  'source.clientId': ['place.source', 'source.clientId'],
  'source.clientPassword': ['place.source', 'source.clientPassword'],
  'source.user': ['place.source', 'source.user'],
  'source.via': ['place.source', 'source.via'],
  'source.gatewayPort': ['place.source', 'source.gatewayPort'],
  'source.rules': ['place.source', 'source.rules'],
  'settings.trusted': ['nav.settings', 'settings.trusted'],
  'doctor.run': ['nav.troubleshoot', 'doctor.run'],
} as const satisfies Record<string, readonly Key[]>;

/** A control's place: the wording tables name controls only through these. */
export type Place = keyof typeof places;

/** Looked up by name from dictionary texts (`{ui:…}`), hence a plain record as well. */
export const PLACES: Readonly<Record<string, readonly Key[]>> = places;

export function isPlace(name: string): name is Place {
  return Object.prototype.hasOwnProperty.call(places, name);
}
