/** 診断の各手順で分かったこと（SUMMARY_CODES）: 日本語。 */
import type { SummaryTable } from './summaries.en';
import { code, flag, hostPort, list, num, str, type P } from './words';

const join = (...sentences: string[]) => sentences.filter(Boolean).join('');
const c = (p: P, key: string) => code(str(p, key) ?? '?');
/** 「403 Forbidden」をひとまとまりで。 */
const answer = (p: P) => code([str(p, 'status'), str(p, 'statusText')].filter(Boolean).join(' ') || '?');
const ok = (p: P) => (num(p, 'status') ?? 0) >= 200 && (num(p, 'status') ?? 0) < 300;

export const summariesJa: SummaryTable = {
  'summary.skip.earlierFailed': () => '前の手順が失敗したため、確認していません。',
  'summary.skip.pageFailed': () => 'DCV の Web ページを読み込めなかったため、確認していません。',
  'summary.skip.notNeeded': () => 'この経路では必要ありません。',
  'summary.skip.partOfFailedStep': (p, w) => `ここで止まりました。失敗の内容は「${w.step(str(p, 'step') ?? '?')}」の手順に表示しています。`,
  'summary.skip.noAuthorization': () => 'Broker がサインインを求めていないため、必要ありません。',
  'summary.skip.notReached': () => '先にサインイン用トークンの取得で失敗したため、ここまで進んでいません。',
  'summary.failed': (p) => `ここで止まりました（${c(p, 'code')}）。`,

  'summary.dns': (p) => `${c(p, 'host')} のアドレスは ${list(p, 'addresses').map(code).join('、') || '?'} です。`,
  'summary.dns.override': (p, w) => `名前は調べていません。${w.ui('endpoint.addressOverride')}の設定により、${c(p, 'host')} の代わりに ${c(p, 'address')} に接続します。`,
  'summary.dns.ipLiteral': (p) => `${c(p, 'host')} は IP アドレスなので、調べる必要はありません。`,
  'summary.dns.proxyResolves': (p, w) => `ここでは名前を調べていません。経路は${w.route(str(p, 'route') ?? '?')}で、名前はプロキシが調べます。`,
  'summary.dns.failed': (p) => `このパソコンから ${c(p, 'host')} のアドレスを調べられませんでした。`,

  'summary.tcp': (p, _w, status) => {
    const proxy = str(p, 'proxy');
    const to = proxy ? `プロキシ ${code(proxy)}（${c(p, 'address')}）` : c(p, 'address');
    return status === 'fail' ? `${to} に接続できませんでした。` : `${to} に接続しました。`;
  },

  'summary.proxy.direct': (p, w) => join('プロキシを使わず、直接接続します。', w.nested(p, 'because')),
  'summary.proxy.plainBrowserDiffers': (p, w) =>
    join(
      'ランチャーは直接接続します。',
      w.nested(p, 'because'),
      `一方、このパソコンの通常のブラウザーは${w.route(str(p, 'plainBrowserRoute') ?? '?')}で接続します。`,
      w.nested(p, 'plainBrowserBecause'),
    ),
  'summary.proxy.connect': (p, w) => {
    const to = str(p, 'connectTo') ? c(p, 'connectTo') : 'エンドポイント';
    const first =
      num(p, 'status') === undefined ? `プロキシ ${c(p, 'proxy')} に ${to} への中継を頼みましたが、応答がありませんでした。`
      : ok(p) ? `プロキシ ${c(p, 'proxy')} が ${to} への中継を開始しました（${answer(p)}）。`
      : `プロキシ ${c(p, 'proxy')} に ${to} への中継を頼んだところ、${answer(p)} が返りました。`;
    const auth = str(p, 'proxyAuthenticate') ? `認証方式 ${c(p, 'proxyAuthenticate')} を求めています。` : '';
    return join(first, auth, w.nested(p, 'because'));
  },
  'summary.proxy.unreachable': (p, w) => join(`プロキシ ${c(p, 'proxy')}${str(p, 'address') ? `（${c(p, 'address')}）` : ''} に接続できませんでした。`, w.nested(p, 'because')),
  'summary.proxy.noRoute': (p) => `プロキシの設定が使えないため、${c(p, 'url')} への経路を決められませんでした。`,

  'summary.tls': (p, w) =>
    join(
      `暗号化された接続を確立しました${str(p, 'protocol') ? `（${c(p, 'protocol')}）` : ''}。`,
      str(p, 'subject') ? `証明書 ${c(p, 'subject')}${flag(p, 'selfSigned') ? '（自己署名）' : ''}の有効期限は ${w.date(str(p, 'validTo'))} です。` : '',
      flag(p, 'pinMatched') ? '信頼済みの証明書と一致しました。' : '',
    ),
  'summary.tls.refused': (p) =>
    join(
      `提示された証明書を受け入れませんでした: ${c(p, 'subject')}${flag(p, 'selfSigned') ? '（自己署名）' : ''}、フィンガープリント ${c(p, 'fingerprint')}。`,
      list(p, 'pinned').length ? `信頼済みの証明書は ${list(p, 'pinned').map(code).join('、')} です。` : '',
    ),
  'summary.tls.handshakeFailed': (p) => `${code(hostPort(str(p, 'host') ?? '?', str(p, 'port') ?? '?'))} と暗号化された接続（TLS）を確立できませんでした。`,

  'summary.http': (p) =>
    join(
      ok(p) ? `DCV の Web ページ ${c(p, 'path')} を読み込めました（${answer(p)}）。` : `Web ページ ${c(p, 'path')} は ${answer(p)} を返しました。`,
      str(p, 'server') ? `サーバー: ${c(p, 'server')}。` : '',
      flag(p, 'hsts') ? `${code('Strict-Transport-Security')}（HSTS）を送っています。` : '',
    ),
  'summary.http.noAnswer': (p) => `Web ページ ${c(p, 'path')} に応答がありません。`,

  'summary.ws.upgrade': (p) =>
    join(
      `デスクトップの通信 ${c(p, 'path')} を開けませんでした。サーバーの応答は ${answer(p)} です。`,
      `ランチャーが送った Host は ${c(p, 'host')}、Origin は ${c(p, 'origin')} です。`,
      str(p, 'location') ? `転送先は ${c(p, 'location')} です。` : '',
    ),
  'summary.ws.badUpgrade': (p) =>
    `デスクトップの通信 ${c(p, 'path')} は開きましたが、DCV の形式ではありません。` +
    (p.acceptOk === false ? 'ハンドシェイクの応答が正しくありません。' : `${code('dcv')} ではなく ${code(str(p, 'subprotocol') ?? 'none')} で応答しています。`),
  'summary.ws.noAnswer': (p) => `デスクトップの通信 ${c(p, 'path')} に応答がありません。`,
  'summary.ws.secondDial': (p) => `デスクトップの通信用の 2 本目の接続に失敗しました（${c(p, 'code')}）。`,
  'summary.ws.confirm': (p) =>
    join(
      `サーバーがデスクトップへの接続を受け付けました（接続 ${c(p, 'connectionId')}）。`,
      str(p, 'serverName') ? `サーバー: ${code([str(p, 'serverName'), str(p, 'serverVersion')].filter(Boolean).join(' '))}。` : '',
    ),
  'summary.ws.abort': (p) => `サーバーがデスクトップへの接続を拒否しました（${c(p, 'reason')}）。`,
  'summary.ws.closed': (p) =>
    `サーバーが応答せずにデスクトップの通信を閉じました${num(p, 'closeCode') !== undefined ? `（${code([str(p, 'closeCode'), str(p, 'closeReason')].filter(Boolean).join(' '))}）` : ''}。`,
  'summary.ws.authInit': (p) =>
    `デスクトップの通信は使えます。サーバーはサインインを求めています（${c(p, 'mode')}${list(p, 'mechanisms').length ? `: ${list(p, 'mechanisms').map(code).join('、')}` : ''}）。`,
  'summary.ws.authResult': (p) => {
    const n = num(p, 'sessions') ?? 0;
    return `デスクトップの通信は使えます。サーバーはパスワードなしで受け付け（${c(p, 'mode')}）、${n === 0 ? 'セッションはありません' : `セッションが ${n} 件あります`}。`;
  },
  'summary.ws.unexpected': (p) => {
    const kind = str(p, 'kind');
    if (kind === 'not-dcv') return `${c(p, 'path')} の応答は DCV のメッセージではありません。`;
    if (kind === 'protocol') return `${c(p, 'path')} の応答は WebSocket の決まりに反しています。`;
    return `サーバーが ${c(p, 'path')} で ${c(p, 'kind')} を返しました。DCV の Web クライアントが想定していない応答です。`;
  },

  'summary.broker.token': (p) => `API クライアント ${c(p, 'clientId')} として Broker にサインインしました。`,
  'summary.broker.session': (p, w) =>
    join(
      `${str(p, 'name') ? `「${str(p, 'name')}」` : c(p, 'sessionId')}（所有者 ${c(p, 'owner')}、${c(p, 'type')}）が見つかりました。状態: ${w.state(str(p, 'state'))}${str(p, 'stateReason') ? `（${c(p, 'stateReason')}）` : ''}。`,
      `サーバーは ${c(p, 'serverIp')}${str(p, 'serverHostname') ? `（${c(p, 'serverHostname')}）` : ''} です。`,
    ),
  'summary.broker.sessionNotFound': (p) => `Broker はセッション ${c(p, 'sessionId')} を知りません。`,
  'summary.broker.connection': (p) => `${c(p, 'user')} 用の接続トークンを受け取りました（${str(p, 'tokenLength') ?? '?'} 文字。トークン自体は表示しません）。`,
  'summary.broker.error': (p, w) =>
    num(p, 'status') !== undefined ? `Broker は${w.op(str(p, 'operation'))}に ${c(p, 'status')} を返しました。` : `Broker から${w.op(str(p, 'operation'))}への応答がありません。`,
  'summary.session.noRoute': (p) => `サーバー ${c(p, 'serverIp')}${str(p, 'serverHostname') ? `（${c(p, 'serverHostname')}）` : ''} への行き方を示す規則が、Session Manager の設定にありません。`,
};
