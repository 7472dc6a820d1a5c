/**
 * The contract's channel and event names, without zod: the sandboxed preload checks names
 * with these and stays a few KB. api.ts checks at compile time that they are exactly its
 * requests' and events' keys.
 */
export const CHANNELS = [
  'catalogue.get',
  'endpoint.save',
  'endpoint.delete',
  'desktop.save',
  'desktop.delete',
  'desktop.setFavourite',
  'profile.save',
  'profile.delete',
  'catalogue.undo',
  'import.preview',
  'import.apply',
  'export.json',
  'trust.inspect',
  'trust.accept',
  'trust.forget',
  'trust.undoForget',
  'trust.list',
  'secrets.status',
  'secrets.setProxyPassword',
  'connection.open',
  'connection.close',
  'connection.list',
  'doctor.run',
  'doctor.explainProxy',
  'doctor.report',
  'settings.set',
  'source.save',
  'source.delete',
  'source.setClientPassword',
  'sessions.get',
  'sessions.refresh',
  'sessions.create',
  'sessions.delete',
  'sessions.setFavourite',
] as const;

export const EVENT_NAMES = [
  'connection.changed',
  'connection.stats',
  'connection.relaunch',
  'doctor.step',
  'catalogue.changed',
  'sessions.changed',
  'import.file',
  'connect.request',
  'view.show',
] as const;
