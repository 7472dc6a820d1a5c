import type { SessionView } from '../../../preload/contract/api';
import type { Catalogue, Desktop, Recent, Route } from '../../../preload/contract/model';
import { queryWords, searchRank } from './search';

export interface DesktopFilter {
  query: string;
  /** A desktop must carry every selected tag. */
  tags: string[];
  favouritesOnly: boolean;
}

/**
 * Every word of the query must start a word of the name, a tag, the notes, or where the desktop
 * is (endpoint name or host); matches in its own words come first. Favourites lead.
 */
export function filterDesktops(catalogue: Catalogue, filter: DesktopFilter): Desktop[] {
  const endpoints = new Map(catalogue.endpoints.map((e) => [e.id, e]));
  const words = queryWords(filter.query);
  const ranked: Array<[Desktop, number]> = [];
  for (const d of catalogue.desktops) {
    if (filter.favouritesOnly && !d.favourite) continue;
    if (!filter.tags.every((tag) => d.tags.includes(tag))) continue;
    const endpoint = endpoints.get(d.endpointId);
    const rank = searchRank(words, [d.name, ...d.tags, d.notes], [endpoint?.name ?? '', endpoint?.host ?? '']);
    if (rank !== null) ranked.push([d, rank]);
  }
  return ranked.sort(([a, ra], [b, rb]) => Number(b.favourite) - Number(a.favourite) || ra - rb || a.name.localeCompare(b.name)).map(([d]) => d);
}

/** A session's tags as the tag filter knows them: "key=value". */
export function sessionTags(s: SessionView): string[] {
  return Object.entries(s.tags).map(([k, v]) => `${k}=${v}`);
}

/** The same search for Broker sessions: name and tags first, then owner, server and state. */
export function filterSessions(sessions: readonly SessionView[], filter: DesktopFilter): SessionView[] {
  const words = queryWords(filter.query);
  const ranked: Array<[SessionView, number]> = [];
  for (const s of sessions) {
    if (filter.favouritesOnly && !s.favourite) continue;
    const tags = sessionTags(s);
    if (!filter.tags.every((tag) => tags.includes(tag))) continue;
    const rank = searchRank(words, [s.name, ...tags, s.id], [s.owner, s.server.hostname, s.server.ip, s.state]);
    if (rank !== null) ranked.push([s, rank]);
  }
  return ranked.sort(([a, ra], [b, rb]) => Number(b.favourite) - Number(a.favourite) || ra - rb || Number(a.gone) - Number(b.gone) || a.name.localeCompare(b.name)).map(([s]) => s);
}

export function allTags(desktops: Desktop[], sessions: readonly SessionView[] = []): string[] {
  return [...new Set([...desktops.flatMap((d) => d.tags), ...sessions.flatMap(sessionTags)])].sort((a, b) => a.localeCompare(b));
}

/** The newest entry per desktop, newest first. */
export function latestRecents(recents: Recent[], limit = Infinity): Recent[] {
  const seen = new Set<string>();
  return [...recents]
    .sort((a, b) => b.at.localeCompare(a.at))
    .filter((r) => !seen.has(r.desktopId) && seen.add(r.desktopId))
    .slice(0, limit);
}

export function routeSummary(route: Route): string {
  switch (route.kind) {
    case 'port':
      return `:${route.port}`;
    case 'prefix':
      return `:${route.port}/${route.agent}/`;
    case 'gateway':
      return `:${route.port} #${route.sessionId}`;
  }
}
