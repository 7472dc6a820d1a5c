/** 経路の理由、各プロキシ設定の内容、通常のブラウザーの動き: 日本語。 */
import type { ReasonTable } from './reasons.en';
import { code, str } from './words';

const join = (...sentences: string[]) => sentences.filter(Boolean).join('');

/** "PROXY a:8080; DIRECT" → 「プロキシ `a:8080` 経由、それがだめなら直接（プロキシなし）」: 「〜で接続します」に続く形。 */
export function routeJa(route: string): string {
  const entries = route.split(';').map((e) => e.trim()).filter(Boolean);
  const one = (e: string) => {
    if (/^DIRECT$/i.test(e)) return '直接（プロキシなし）';
    const proxy = /^(?:PROXY|HTTPS?)\s+(\S+)$/i.exec(e);
    return proxy ? `プロキシ ${code(proxy[1])} 経由` : code(e);
  };
  return entries.length ? entries.map(one).join('、それがだめなら') : code(route);
}

export const reasonsJa: ReasonTable = {
  'route.env.noProxyVar': (p) => `このパソコンでは ${code(str(p, 'variable') ?? 'HTTPS_PROXY')} が設定されていません。`,
  'route.env.noProxyMatched': (p) => `${code(str(p, 'variable') ?? 'no_proxy')} の ${code(str(p, 'entry') ?? '?')} がこのエンドポイントに当てはまります。`,
  'route.env.proxy': (p) => {
    const noProxy = str(p, 'noProxyVariable');
    return (
      `${code(str(p, 'variable') ?? 'HTTPS_PROXY')} に ${code(str(p, 'proxy') ?? '?')} が設定されていて、` +
      (noProxy ? `${code(noProxy)} のどの項目もこのエンドポイントに当てはまりません。` : `${code('no_proxy')} は設定されていません。`)
    );
  },
  'route.profile.direct': (_, w) => `${w.ui('endpoint.proxyMode')}が${w.label('endpoint.proxy.direct')}になっています。`,
  'route.profile.manual': (p, w) => `${w.ui('endpoint.proxyMode')}で、プロキシ ${code(str(p, 'proxy') ?? '?')} を使うよう設定されています。`,
  'route.system': (p, w) => `システムのプロキシ設定では${w.route(str(p, 'route') ?? '?')}で接続します。`,
  'route.systemFallback': (p, w) =>
    join('ここ（ブラウザーモード）ではシステムのプロキシ設定を読めないため、プロキシの環境変数に従います。', w.nested(p, 'because')),
  'route.unknown': () => '理由は記録されていません。',
  'route.undecided': () => 'プロキシの設定が使えないため、経路を決められません。',

  'says.profile.direct': (_, w) => `このエンドポイントにはプロキシを使いません（${w.label('endpoint.proxy.direct')}）。`,
  'says.profile.manual': (p) => `プロキシ ${code(str(p, 'proxy') ?? '?')} を${str(p, 'user') ? `ユーザー ${code(str(p, 'user')!)} で` : ''}使います。`,
  'says.profile.env': () => `プロキシの環境変数（${code('https_proxy')}、${code('no_proxy')}）に従います。`,
  'says.profile.system': () => 'システムのプロキシ設定に従います。',
  'says.route': (p, w) => join(`${w.route(str(p, 'route') ?? '?')}で接続します。`, w.nested(p, 'because')),
  'says.unusable': () => '設定に誤りがあり、使えません。',
  'says.noResolver': () => 'ここ（ブラウザーモード）ではシステムのプロキシ設定を読めません。ブラウザーはプロキシの環境変数に従います。',

  'explain.browser.intercepts': (p, w) =>
    join(
      `このパソコンの通常のブラウザーは ${code(str(p, 'url') ?? '?')} への通信をプロキシ ${code(str(p, 'proxy') ?? '?')} に送りますが、ランチャーは直接接続します。`,
      w.nested(p, 'because'),
      'そのため、curl では接続できてもブラウザーでは接続できません。',
      `ランチャーを使わずに開くには、ブラウザーのプロキシの例外（${code('no_proxy')}）に ${code(str(p, 'host') ?? '?')} を追加してください。`,
    ),
  'explain.browser.envIntercepts': (p, w) =>
    join(
      `通常のブラウザーは${w.route(str(p, 'route') ?? '?')}で接続しますが、${code(str(p, 'host') ?? '?')} が ${code('no_proxy')} に含まれていません。`,
      `プロキシの環境変数に従うプログラム（curl や、デスクトップのプロキシ設定を使わない Chromium）は、この通信をプロキシ ${code(str(p, 'proxy') ?? '?')} に送ります。一方、ランチャーは直接接続します。`,
      w.nested(p, 'because'),
      `ランチャーを使わずに開くには、${code('no_proxy')} に ${code(str(p, 'host') ?? '?')} を追加してください。`,
    ),
  'explain.browser.same': (p, w) => join(`通常のブラウザーも、ランチャーと同じく${w.route(str(p, 'route') ?? '?')}で接続します。`, w.nested(p, 'because')),
  'explain.browser.other': (p, w) => join(`通常のブラウザーは${w.route(str(p, 'route') ?? '?')}で接続します。`, w.nested(p, 'because')),
  'explain.browser.unknown': () => 'プロキシの設定を読めなかったため、通常のブラウザーがどう接続するかは分かりません。',
};
