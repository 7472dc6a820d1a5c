/** Why a route, what each proxy source says, what a plain browser would do: English. */
import type { ReasonCode } from './codes';
import { code, str, type P, type Words } from './words';

export type ReasonTable = Record<ReasonCode, (p: P, w: Words) => string>;

const join = (...sentences: string[]) => sentences.filter(Boolean).join(' ');

/** "PROXY a:8080; DIRECT" → "through the proxy `a:8080`, then, if that fails, directly (no proxy)": follows "go". */
export function routeEn(route: string): string {
  const entries = route.split(';').map((e) => e.trim()).filter(Boolean);
  const one = (e: string) => {
    if (/^DIRECT$/i.test(e)) return 'directly (no proxy)';
    const proxy = /^(?:PROXY|HTTPS?)\s+(\S+)$/i.exec(e);
    return proxy ? `through the proxy ${code(proxy[1])}` : code(e);
  };
  return entries.length ? entries.map(one).join(', then, if that fails, ') : code(route);
}

export const reasonsEn: ReasonTable = {
  'route.env.noProxyVar': (p) => `${code(str(p, 'variable') ?? 'HTTPS_PROXY')} is not set on this computer.`,
  'route.env.noProxyMatched': (p) => `The entry ${code(str(p, 'entry') ?? '?')} of ${code(str(p, 'variable') ?? 'no_proxy')} matches this endpoint.`,
  'route.env.proxy': (p) => {
    const noProxy = str(p, 'noProxyVariable');
    return (
      `${code(str(p, 'variable') ?? 'HTTPS_PROXY')} is set to ${code(str(p, 'proxy') ?? '?')}, and ` +
      (noProxy ? `no entry of ${code(noProxy)} matches this endpoint.` : `${code('no_proxy')} is not set.`)
    );
  },
  'route.profile.direct': (_, w) => `${w.ui('endpoint.proxyMode')} is set to ${w.label('endpoint.proxy.direct')}.`,
  'route.profile.manual': (p, w) => `${w.ui('endpoint.proxyMode')} is set to use the proxy ${code(str(p, 'proxy') ?? '?')}.`,
  'route.system': (p, w) => `The system proxy settings send it ${w.route(str(p, 'route') ?? '?')}.`,
  'route.systemFallback': (p, w) =>
    join('The system proxy settings cannot be read here (browser mode), so the proxy environment variables decide.', w.nested(p, 'because')),
  'route.unknown': () => 'The launcher did not record why.',
  'route.undecided': () => 'The launcher cannot decide the route: the proxy settings cannot be used.',

  'says.profile.direct': (_, w) => `Never use a proxy for this endpoint (${w.label('endpoint.proxy.direct')}).`,
  'says.profile.manual': (p) => `Use the proxy ${code(str(p, 'proxy') ?? '?')}${str(p, 'user') ? ` as the user ${code(str(p, 'user')!)}` : ''}.`,
  'says.profile.env': () => `Follow the proxy environment variables (${code('https_proxy')}, ${code('no_proxy')}).`,
  'says.profile.system': () => 'Follow the system proxy settings.',
  'says.route': (p, w) => join(`Go ${w.route(str(p, 'route') ?? '?')}.`, w.nested(p, 'because')),
  'says.unusable': () => 'This setting cannot be used: it is not valid.',
  'says.noResolver': () => 'The system proxy settings cannot be read here (browser mode): a browser would follow the proxy environment variables.',

  'explain.browser.intercepts': (p, w) =>
    join(
      `A plain browser on this computer would send ${code(str(p, 'url') ?? '?')} to the proxy ${code(str(p, 'proxy') ?? '?')}, while the launcher connects directly.`,
      w.nested(p, 'because'),
      'That is why it can work with curl but not in the browser.',
      `To open it without the launcher, add ${code(str(p, 'host') ?? '?')} to the browser’s proxy exceptions (${code('no_proxy')}).`,
    ),
  'explain.browser.envIntercepts': (p, w) =>
    join(
      `A plain browser here would go ${w.route(str(p, 'route') ?? '?')}, but ${code(str(p, 'host') ?? '?')} is missing from ${code('no_proxy')}:`,
      `programs that follow the proxy environment variables (curl, Chromium without desktop proxy settings) would send it to the proxy ${code(str(p, 'proxy') ?? '?')}, while the launcher connects directly.`,
      w.nested(p, 'because'),
      `To open it without the launcher, add ${code(str(p, 'host') ?? '?')} to ${code('no_proxy')}.`,
    ),
  'explain.browser.same': (p, w) => join(`A plain browser here would also go ${w.route(str(p, 'route') ?? '?')}, as the launcher does.`, w.nested(p, 'because')),
  'explain.browser.other': (p, w) => join(`A plain browser here would go ${w.route(str(p, 'route') ?? '?')}.`, w.nested(p, 'because')),
  'explain.browser.unknown': () => 'What a plain browser here would do is unknown: the proxy settings could not be read.',
};
