import type { Catalogue, Desktop, Recent, Route } from '../../../preload/contract/model';

export interface DesktopFilter {
  query: string;
  /** A desktop must carry every selected tag. */
  tags: string[];
  favouritesOnly: boolean;
}

/** Every word of the query must appear in the name, a tag, the endpoint (name or host) or the notes. */
export function filterDesktops(catalogue: Catalogue, filter: DesktopFilter): Desktop[] {
  const endpoints = new Map(catalogue.endpoints.map((e) => [e.id, e]));
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  return catalogue.desktops
    .filter((d) => !filter.favouritesOnly || d.favourite)
    .filter((d) => filter.tags.every((tag) => d.tags.includes(tag)))
    .filter((d) => {
      if (words.length === 0) return true;
      const endpoint = endpoints.get(d.endpointId);
      const haystack = [d.name, ...d.tags, endpoint?.name ?? '', endpoint?.host ?? '', d.notes].join('\n').toLowerCase();
      return words.every((w) => haystack.includes(w));
    })
    .sort((a, b) => Number(b.favourite) - Number(a.favourite) || a.name.localeCompare(b.name));
}

export function allTags(desktops: Desktop[]): string[] {
  return [...new Set(desktops.flatMap((d) => d.tags))].sort((a, b) => a.localeCompare(b));
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
