/**
 * 診断や接続が失敗・警告したときに何を直せばよいか（ADVICE_CODES）: 日本語。ネットワークに詳しくない
 * 人向けに、何が起きたかと、アプリのどの設定を直すか（画面上の場所で示す）、サーバー側で管理者に
 * 何を頼むかを書く。内容は tunnel/doctor-hints.ts の英語と同じ。
 */
import type { HintFacts } from '../../../preload/contract/api';
import type { AdviceTable } from './advice.en';
import { BROKER_CA, certNames, hostOnly, literal, manualProxy, portPlace, proxyAuth, proxyPlace, sanFor, serverOf } from './facts';
import { code, hostPort, type Words } from './words';

const join = (...sentences: string[]) => sentences.filter(Boolean).join('');
const where = (f: HintFacts) => code(hostPort(f.host, f.port));
const dialled = (f: HintFacts) => code(hostPort(f.address ?? f.host, f.port));
/** 「Broker（`h:8448`）」または「`h:50001`」: 接続した相手。 */
const peer = (f: HintFacts) => (f.atBroker ? `Broker（${where(f)}）` : where(f));
const proxy = (f: HintFacts) => (f.proxy ? `プロキシ ${code(f.proxy)}` : 'プロキシ');
const session = (f: HintFacts) => (f.sessionId ? `セッション ${code(f.sessionId)}` : 'セッション');
const server = (f: HintFacts) => (serverOf(f) ? code(serverOf(f)!) : 'Session Manager が示すサーバー');
const fingerprint = (f: HintFacts) => (f.certificate ? code(f.certificate.fingerprint256Hex) : '表示されたフィンガープリント');
const names = (f: HintFacts) => (certNames(f.certificate) ? code(certNames(f.certificate)!) : '別の名前');
const path = (f: HintFacts, fallback: string) => code(f.path ?? fallback);
const BROKER_STATUS = code('systemctl status dcv-session-manager-broker');
const AGENT_STATUS = code('systemctl status dcv-session-manager-agent');
const SERVER_LOG = code('/var/log/dcv/server.log');
const NGINX_WS = code('proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";');
const NEW_SELF_SIGNED = `${code('/etc/dcv/dcv.pem')} と ${code('/etc/dcv/dcv.key')} を削除して ${code('dcvserver')} を再起動`;
/** プロキシを使わない設定にする方法（アプリの言葉で）。 */
const goDirect = (f: HintFacts, w: Words) => `${w.ui('endpoint.proxyMode')}で${w.label('endpoint.proxy.direct')}を選び、${code('no_proxy')} に ${code(f.host)} を追加してください`;
const why = (f: HintFacts, w: Words) => (f.routeBecause ? `このプロキシを使う理由: ${w.reason(f.routeBecause)}` : '');

export const adviceJa: AdviceTable = {
  DNS_NOT_FOUND: (f, w) =>
    join(
      `このパソコンでは ${code(f.host)} のアドレスを調べられません。VPC エンドポイントの名前は、VPC の中でしか引けないことがよくあります。`,
      `${w.ui('endpoint.addressOverride')}にエンドポイントのプライベート IP アドレスを入力してください（VPC コンソールで、エンドポイントのサブネットの欄に表示されます）。`,
      'または、このネットワークの DNS でエンドポイントのプライベートゾーンを引けるよう、ネットワーク担当者に依頼してください。',
    ),

  TCP_REFUSED: (f, w) =>
    join(
      `${dialled(f)}${f.atBroker ? '（Broker）' : ''} では接続を受け付けていません。`,
      f.atBroker
        ? `${w.ui('source.brokerPort')}が Broker 用のロードバランサーのポート（既定は 8443、8448 の環境も多い）になっているか確認してください。ロードバランサーにポート ${f.port} のリスナーがあるか、Broker が動いているか（${BROKER_STATUS}）を管理者に確認してもらってください。`
        : `${w.ui(portPlace(f))}が、ロードバランサー上のこのデスクトップ用のポートになっているか確認してください。ロードバランサーにポート ${f.port} のリスナーがあるか、サーバーで DCV が動いているか（${code('systemctl status dcvserver')}）を管理者に確認してもらってください。`,
      `${w.ui('endpoint.addressOverride')}を設定している場合は、それがエンドポイントの IP アドレスか確認してください。`,
    ),

  TCP_TIMEOUT: (f, w) =>
    join(
      `${dialled(f)}${f.atBroker ? '（Broker）' : ''} から応答がありません。通信が途中で止められています。`,
      `VPC エンドポイントのセキュリティグループがこちらのネットワークからの TCP ポート ${f.port} を許可しているか、サブネットのネットワーク ACL が両方向の通信（1024〜65535 番のポートを含む）を許可しているか、ロードバランサーのポート ${f.port} のターゲットが正常か（異常なターゲットには通信が送られません）を、ネットワーク管理者に確認してもらってください。`,
      `このネットワークからはプロキシ経由でしか VPC に届かない場合は、${w.ui('endpoint.proxyMode')}でそのプロキシを選んでください。`,
    ),

  ROUTE_FALLBACK: (f, w) =>
    join(
      `エンドポイントへの最初の経路がうまくいきませんでした: ${(f.earlierRoutes ?? []).map((r) => `${w.route(r.route)}（${code(r.code)}）`).join('、') || '?'}。`,
      'ランチャーは次の経路で接続しましたが、新しい接続のたびに（デスクトップは 4〜6 本の接続を開きます）、まず失敗する経路を試して待つことになります。',
      `${w.ui('endpoint.proxyMode')}（またはその経路を指定しているプロキシ設定）で、直すか外してください。`,
    ),

  PROXY_UNREACHABLE: (f, w) =>
    join(
      `${proxy(f)} に接続できません。`,
      why(f, w),
      `${w.ui(proxyPlace(f))}${manualProxy(f) ? '' : `（または ${code('HTTPS_PROXY')}）`}のプロキシのアドレスを確認してください。プロキシなしでエンドポイントに届く場合は、${w.ui('endpoint.proxyMode')}で${w.label('endpoint.proxy.direct')}を選んでください。`,
    ),

  PROXY_AUTH_REQUIRED: (f, w) => {
    const auth = proxyAuth(f);
    return join(
      `${proxy(f)} がユーザー名とパスワードを求めています（${code('407')}${f.proxyAuthenticate ? `、${code(`Proxy-Authenticate: ${f.proxyAuthenticate}`)}` : ''}）。`,
      f.hasProxyCredentials
        ? `ランチャーが送ったユーザー名かパスワードが受け付けられませんでした。ランチャーに尋ねられたら入力し直してください${manualProxy(f) ? `（${w.ui('endpoint.proxyUsername')}と${w.ui('endpoint.proxyPassword')}でも変更できます）` : ''}。`
        : `ランチャーに尋ねられたら入力してください${manualProxy(f) ? `（${w.ui('endpoint.proxyUsername')}と${w.ui('endpoint.proxyPassword')}にも入力できます）` : ''}。パスワードはシークレットストアに保存され、カタログには入りません。`,
      auth.basic
        ? ''
        : `このプロキシが求める認証方式は ${code(auth.scheme ?? '?')} で、${code('Basic')} ではありません。ランチャーは Basic 認証にしか対応していないため、プロキシの管理者に Basic 認証を許可してもらうか、プロキシを使わずに接続してください。`,
      `プロキシなしでエンドポイントに届く場合は、${goDirect(f, w)}。`,
    );
  },

  PROXY_CREDENTIALS_REFUSED: (f, w) =>
    join(
      `${proxy(f)} はこのユーザー名とパスワードを一度拒否しました。アカウントがロックされないよう、入力し直すまでランチャーは再送しません。`,
      `ランチャーに尋ねられたらパスワードを入力し直してください${manualProxy(f) ? `（${w.ui('endpoint.proxyUsername')}と${w.ui('endpoint.proxyPassword')}でも変更できます）` : ''}。`,
    ),

  PROXY_URL_UNENCODED: () =>
    join(
      `プロキシの URL（${code('HTTPS_PROXY')}）のユーザー名かパスワードに ${code('/')}、${code('?')}、${code('#')} がそのまま書かれています。`,
      `パーセントエンコードしてください（${code('/')} は ${code('%2F')}、${code('?')} は ${code('%3F')}、${code('#')} は ${code('%23')}。例: ${code('http://user:pa%23ss@proxy:8080')}）。`,
    ),

  PROXY_CONNECT_FORBIDDEN: (f, w) =>
    join(
      `${proxy(f)} がポート ${f.port} への接続を許可していません${f.proxyStatus ? `（${code(f.proxyStatus)}）` : ''}。プロキシは通常、ポート 443 への接続しか許可しません。`,
      `エンドポイントは社内の VPC にあるので、${goDirect(f, w)}（ブラウザーもプロキシを通らなくなります）。`,
      `または、ポート ${f.port} を許可するようプロキシの管理者に依頼してください（squid の場合: ${code(`acl SSL_ports port ${f.port}`)}）。`,
    ),

  PROXY_ERROR: (f, w) =>
    f.proxy
      ? join(
          `${proxy(f)} が ${where(f)} に接続できませんでした${f.proxyStatus ? `（応答 ${code(f.proxyStatus)}）` : ''}。`,
          'プロキシは名前を自分で調べますが、プライベートなエンドポイントの名前は VPC の中でしか引けません。',
          `${w.ui('endpoint.addressOverride')}にエンドポイントの IP アドレスを入力して、プロキシにアドレスで接続を頼むようにするか、${w.ui('endpoint.proxyMode')}で${w.label('endpoint.proxy.direct')}を選んでください。`,
        )
      : join(
          `プロキシの設定が使えないため、${where(f)} への経路を決められません。`,
          `${w.ui('endpoint.proxyMode')}と、それが従うプロキシの環境変数（${code('HTTPS_PROXY')}）またはシステムのプロキシ設定を確認してください。`,
        ),

  SYSTEM_PROXY_WOULD_INTERCEPT: (f, w) =>
    join(
      `ランチャーは直接接続しますが、このパソコンの通常のブラウザーは ${code(f.host)} に${f.plainBrowserRoute ? w.route(f.plainBrowserRoute.route) : 'プロキシ経由'}で接続しようとします。`,
      w.reason(f.plainBrowserRoute?.because),
      'そのため、curl やランチャーでは接続できても、通常のブラウザーでは接続できません。',
      `ランチャーを使わずに開くには、${code(f.host)}${f.address && f.address !== f.host ? ` と ${code(f.address)}` : ''} を ${code('no_proxy')} とブラウザーのプロキシの例外に追加してください。ランチャーから開く場合は、このままで問題ありません。`,
    ),

  TLS_UNTRUSTED: (f, w) =>
    join(
      `このパソコンは ${peer(f)} の証明書（${names(f)}${f.certificate?.selfSigned ? '、自己署名' : f.certificate ? `、発行者 ${code(f.certificate.issuer)}` : ''}）を信頼していません。`,
      f.atBroker
        ? join(
            'Broker は自分で自己署名証明書を作るので、初めての接続ではこうなるのが普通です。',
            `Broker が使っている証明書のフィンガープリントを管理者に確認してもらい（Broker のホストで ${code('openssl x509 -noout -fingerprint -sha256')}。CA は ${code(BROKER_CA)}）、${fingerprint(f)} と一致するか比べてください。`,
            `一致したら、ランチャーが証明書を表示したときに信頼してください（デスクトップ一覧の${w.label('sessions.resolve')}から表示できます）。`,
          )
        : join(
            'DCV サーバーは自分で自己署名証明書を作るので、初めての接続ではこうなるのが普通です。',
            `サーバーのフィンガープリントを管理者に確認してもらい（${code('sudo dcv list-endpoints -j')} または ${code('openssl x509 -noout -fingerprint -sha256 -in /etc/dcv/dcv.pem')}）、${fingerprint(f)} と一致するか比べてください。`,
            `一致したら、${w.ui('endpoint.tlsMode')}を${w.label('endpoint.tls.pin')}にして接続し、ランチャーが証明書を表示したら${w.label('trust.always')}を選んでください。`,
          ),
    ),

  TLS_PIN_MISMATCH: (f, w) =>
    join(
      `${f.atBroker ? 'Broker' : 'サーバー'}（${where(f)}）が、信頼済みの証明書（${(f.pins ?? []).map(code).join('、') || 'なし'}）とは違う証明書（${fingerprint(f)}）を提示しました。`,
      `証明書が更新されたのであれば、新しいフィンガープリントを管理者に確認してもらい（${f.atBroker ? `Broker のホストで ${code('openssl x509 -noout -fingerprint -sha256')}` : code('sudo dcv list-endpoints -j')}）、比べてください。`,
      `一致した場合に限り、もう一度接続し、ランチャーが新旧の証明書を並べて表示したところで新しい証明書を信頼してください（信頼済みの証明書は${w.ui('settings.trusted')}に一覧があります）。`,
      '一致しない場合は、途中の何か（TLS を検査するプロキシなど）がサーバーになりすまして応答しています。信頼しないでください。',
    ),

  TLS_EXPIRED: (f, w) =>
    join(
      `証明書の有効期限は ${w.date(f.certificate?.validTo)} に切れています。`,
      `サーバーで証明書を更新するよう管理者に依頼してください（新しい自己署名証明書にする場合: ${NEW_SELF_SIGNED}）。その後、接続して新しい証明書を信頼してください。`,
    ),

  TLS_NAME_MISMATCH: (f, w) =>
    join(
      `証明書は ${names(f)} 用で、${code(f.host)} 用ではありません。`,
      `${code(sanFor(f.host))} を含む証明書（subjectAltName）を管理者に依頼するか、証明書に含まれる名前で接続するか、この証明書そのものを信頼してください。`,
      `信頼するには${w.ui('endpoint.tlsMode')}を${w.label('endpoint.tls.pin')}にします（信頼した証明書は名前ではなくフィンガープリントで確認されます）。`,
    ),

  TLS_HANDSHAKE_FAILED: (f, w) =>
    join(
      `${peer(f)} と暗号化された接続（TLS）を確立できませんでした。`,
      `そのポートは${f.atBroker ? ' Broker ' : ' DCV '}のものではない可能性があります（22、50002、60001 などの SSH 用のポートは別の応答をします）。または、途中の何かが TLS を妨げています。`,
      f.atBroker
        ? `${w.ui('source.brokerPort')}を確認し、ロードバランサーのポート ${f.port} が Broker につながっているかを管理者に確認してもらってください。`
        : `${w.ui(portPlace(f))}を確認し、ロードバランサーのポート ${f.port} がサーバーの DCV のポート 8443 につながっているかを管理者に確認してもらってください。`,
    ),

  TLS_WARNING: () => '暗号化された接続はできていますが、警告がありました。内容はレポートに記載されています。',

  CERT_EXPIRES_SOON: (f, w) =>
    join(
      `証明書の有効期限は ${w.date(f.certificate?.validTo)} です${f.daysLeft !== undefined ? `（あと ${f.daysLeft} 日）` : ''}。期限が切れると、どの接続もできなくなります。`,
      'それまでに更新するよう管理者に依頼し、ランチャーが新しい証明書を表示したら信頼してください。',
    ),

  CERT_EXPIRED: (f, w) =>
    join(
      `信頼済みの証明書の有効期限は ${w.date(f.certificate?.validTo)} に切れています。`,
      'ランチャーはフィンガープリントで確認するので今は使えますが、ブラウザーや DCV Viewer では拒否されます。',
      `証明書を更新するよう管理者に依頼し（${NEW_SELF_SIGNED}）、新しい証明書を信頼してください。`,
    ),

  CERT_NOT_YET_VALID: (f, w) =>
    join(`証明書は ${w.date(f.certificate?.validFrom)} から有効になるものです。このパソコンかサーバーの時計がずれています。`, '時計を合わせてください（NTP）。ブラウザーはこのような証明書を拒否します。'),

  CERT_NAME_MISMATCH: (f) =>
    join(
      `信頼済みの${f.atBroker ? ' Broker の' : ''}証明書は ${names(f)} 用で、${code(f.host)} 用ではありません。`,
      'ランチャーはフィンガープリントで確認するのでここでは使えますが、通常のブラウザーや DCV Viewer では警告が出ます。',
      `それらで直接接続する必要がある場合は、${code(sanFor(f.host))} を含む証明書を管理者に依頼してください。`,
    ),

  UPSTREAM_RESET: (f, w) =>
    f.atBroker
      ? join(`${peer(f)} が${w.op(f.operation)}に応答する前に接続を切りました。`, `${w.ui('source.brokerPort')}を確認し、Broker のサービス（${BROKER_STATUS}）を管理者に確認してもらってください。`)
      : join(
          `サーバーが ${path(f, f.webUrlPath)} に応答する前に接続を切りました。`,
          `サーバーの DCV のログ（${SERVER_LOG}）と、手前にルーターがある場合は nginx の ${code('error.log')} を管理者に確認してもらってください。`,
        ),

  UPSTREAM_TIMEOUT: (f) =>
    join(
      `サーバーが ${path(f, f.webUrlPath)} に時間内に応答しませんでした。`,
      `サーバーの DCV が正常か（${code('dcv list-sessions')}）、手前のルーターがサーバーに届いているか` +
        (f.via === 'gateway' ? '、Connection Gateway がセッションのサーバーに届いているか' : '') +
        'を管理者に確認してもらってください。',
    ),

  HTTP_STATUS: (f, w) => {
    const page = path(f, f.webUrlPath);
    const status = f.status;
    if (status === 404) {
      return join(
        `ページ ${page} が見つかりません（${code('404')}）。`,
        `${w.ui('desktop.webUrlPath')}（${code(f.webUrlPath)}）は、サーバーの ${code('dcv.conf')} の ${code('[connectivity]')} にある ${code('web-url-path')}（変更していなければ ${code('/')}）と同じにする必要があります。`,
        f.pathPrefix !== '/' ? `パスルーターを使う場合は、${w.ui('desktop.agent')}（${code(f.pathPrefix)}）も確認し、ルーターの nginx の ${code('location')} がそれに合っているかを管理者に確認してもらってください。` : '',
      );
    }
    if (status === 403) {
      const h = hostOnly(f.hostHeader ?? f.host);
      return join(
        `サーバーが Host ${code(f.hostHeader ?? f.host)} でのページの表示を拒否しました（${code('403')}）。`,
        `サーバーの ${code('dcv.conf')} の ${code('[security] allowed-http-host-regex')} が ${code(h)} を許可する必要があります（例: ${code(`allowed-http-host-regex = "^(${literal(h)}|<すでに許可している名前>)$"`)}）。`,
        `または、${w.ui('endpoint.hostHeader')}にその設定が許可している名前を入力してください。`,
      );
    }
    if (status !== undefined && status >= 500) {
      return join(
        `ページが ${code(status)} を返しました。サーバーの手前にあるものが、サーバーに届いていません。`,
        `パスルーターなら nginx の ${code('proxy_pass')} がサーバーに届いているか（${code('error.log')}）、Connection Gateway ならその ${code('[resolver] url')} とセッション、サーバー 1 台なら DCV のログを、管理者に確認してもらってください。`,
      );
    }
    if (status !== undefined && status >= 300 && status < 400) {
      return join(
        `ページ ${page} は ${code(f.location ?? '?')} に転送しています。`,
        `DCV のページは通常 Web URL パスにそのままあります。${w.ui('desktop.webUrlPath')}をサーバーの ${code('dcv.conf')} の ${code('web-url-path')} と比べ、サーバーの手前にサインイン用のページがないかを確認してください。`,
      );
    }
    return join(
      `ページ ${page} が DCV を表示せず、${code(status ?? '?')} を返しました。`,
      `${w.ui('desktop.webUrlPath')}をサーバーの ${code('dcv.conf')} の ${code('web-url-path')} と比べ、サーバーのログを管理者に確認してもらってください。`,
    );
  },

  HSTS_SELF_SIGNED: (f) =>
    join(
      `サーバーが自己署名証明書と一緒に ${code('Strict-Transport-Security')}（HSTS）を送っています。一度これを受け取ったブラウザーは、${code(f.host)} の証明書の警告を無視して進むことができなくなります。`,
      'ランチャーはこのヘッダーを取り除くので、ランチャーでは何も変える必要はありません。通常のブラウザーで使うには、ブラウザーが信頼する証明書がサーバーに必要です。',
    ),

  PATH_PREFIX_LEAK: (f) =>
    join(
      `プレフィックス ${code(f.pathPrefix)} の付かないパスは別のサーバーに届きます。ルーターが ${code('/')}、${code('/auth')}、${code('/ws')} を既定のサーバーに送っているためです。`,
      'プレフィックスを付け忘れるプログラムは、気付かないまま別のデスクトップにつながります。ランチャーは送るものすべてにプレフィックスを付けます。',
      `ほかのプログラムのために、ルーターの既定の ${code('location')} がサーバーに転送せず 404 を返すよう、管理者に依頼してください。`,
    ),

  WS_FORBIDDEN: (f, w) => {
    const h = hostOnly(f.hostHeader ?? f.host);
    return join(
      `サーバーがデスクトップの通信を拒否しました（${code('403')}）。ランチャーが送った Host は ${code(f.hostHeader ?? '?')}、Origin は ${code(f.origin ?? '?')} です。`,
      f.hostAccepted ? '同じ Host でページは表示できたので、サーバーが拒否しているのは Origin です。' : 'サーバーが Host か Origin を拒否しています。',
      `サーバーの ${code('dcv.conf')} で、${code('[security] allowed-ws-origin-regex')} が ${code(f.origin ?? '')} に一致し（例: ${code(`allowed-ws-origin-regex = "^https://(${literal(h)}|<すでに許可している名前>)(:[0-9]+)?$"`)}）、${code('allowed-http-host-regex')} が ${code(h)} に一致する必要があります。`,
      `または、${w.ui('endpoint.origin')}（と${w.ui('endpoint.hostHeader')}）に、それらの設定がすでに許可している値を入力してください。`,
    );
  },

  WS_NOT_FOUND: (f, w) =>
    join(
      `ページは表示できましたが、デスクトップの通信 ${path(f, 'auth')} が見つかりません（${code('404')}）。`,
      'Connection Gateway 経由の場合、Gateway がセッションを見つけられなかったことを意味します。考えられる原因は次のとおりです。',
      f.hasAuthToken ? '' : `デスクトップに認証トークンがない（${w.ui('desktop.token')}に入力してください。トークンは Broker の ${code('GetSessionConnectionData')} で得られます）。`,
      `Gateway が${session(f)}を知らない（${w.ui('desktop.sessionId')}を確認し、Gateway の ${code('[resolver] url')} を管理者に確認してもらってください）。`,
      `${code('dcv-connection-gateway.conf')} に ${code('[web-resources]')} の設定がない。`,
      `サーバーに直接接続している場合は、${w.ui('desktop.webUrlPath')}を ${code('web-url-path')} と比べてください。`,
    ),

  WS_REDIRECT: (f, w) =>
    join(
      `デスクトップの通信が ${code(f.location ?? '?')} に転送されました（${code(f.status ?? 302)}）。サーバーの ${code('dcv.conf')} の ${code('[security] auth-token-verifier')} がブローカーを指しているため、そのブローカーが発行したトークンがないと接続できません。`,
      `ブローカー経由で開いてください（ランチャーの Session Manager から開くか、${w.ui('desktop.token')}にトークンを入力します）。`,
      `ブローカーを使う予定がない場合は、${code('auth-token-verifier')} を削除して ${code('authentication = "system"')} にするよう管理者に依頼してください。`,
    ),

  WS_STATUS: (f, w) =>
    f.status === 101
      ? join(
          `デスクトップの通信 ${path(f, 'auth')} は開きましたが、応答が DCV のクライアントの想定と違います。途中の何かが WebSocket を書き換えています。`,
          `ルーターが WebSocket をそのまま通すよう管理者に依頼してください（nginx の場合: ${NGINX_WS}）。`,
        )
      : join(
          `デスクトップの通信 ${path(f, 'auth')} を開こうとしたところ、${code('101')} ではなく ${code(f.status ?? '?')} が返りました。サーバーか、その手前のルーターが、そこで DCV の WebSocket を受け付けていません。`,
          `${w.ui('desktop.webUrlPath')}を ${code('web-url-path')} と比べ、ルーターが WebSocket を通すよう管理者に依頼してください（nginx の場合: ${NGINX_WS}）。`,
        ),

  WS_ABORTED: (f) =>
    join(
      `サーバーが${session(f)}への接続を拒否しました（${code(f.abortReason ?? '?')}）。`,
      `理由をサーバーの DCV のログ（${SERVER_LOG}）${f.via === 'gateway' ? 'と Connection Gateway のログ' : ''}で調べるよう、管理者に依頼してください。`,
    ),

  WS_CLOSED: (f) =>
    join(
      `サーバーが最初のメッセージの直後に、応答せずにデスクトップの通信を閉じました${f.closeCode !== undefined ? `（${code([f.closeCode, f.closeReason].filter((x) => x !== undefined && x !== '').join(' '))}）` : ''}。`,
      `サーバーの DCV のログ（${SERVER_LOG}）を管理者に確認してもらってください。手前にルーターがある場合は、WebSocket をそのまま通す必要があります（nginx の場合: ${NGINX_WS}）。`,
    ),

  WS_UNEXPECTED: (f, w) =>
    join(
      'デスクトップの通信の応答が、DCV の Web クライアントの想定と違います。',
      `${where(f)} で応答しているのが DCV サーバー（または Connection Gateway）ではないか、途中の何かが WebSocket を書き換えています。`,
      `${w.ui(portPlace(f))}と${w.ui('desktop.webUrlPath')}を確認してください。`,
    ),

  NO_SESSION: () =>
    join(
      'サーバーには入れましたが、使えるデスクトップのセッションがありません（画面が真っ黒になる状態です）。',
      `サーバーでセッションを作るよう管理者に依頼してください（${code('sudo dcv create-session --type virtual --owner USER NAME')}、またはコンソールのユーザー用に ${code('sudo dcv create-session --type console --owner USER console')}）。`,
      `サーバーの起動時に自動で作らせることもできます（${code('dcv.conf')} に ${code('[session-management] create-session = true')} と ${code('[session-management/automatic-console-session] owner = "USER"')}）。`,
    ),

  TOKEN_REJECTED: (f, w) =>
    join(
      `サーバーが${session(f)}のサインイン用トークンを拒否しました。Session Manager のトークンは短い時間しか使えません。`,
      f.brokerHost
        ? `もう一度診断してください（${w.ui('doctor.run')}）。接続するたびと同じく、新しいトークンを取得します。`
        : `${w.ui('desktop.token')}のトークンは期限が切れている可能性が高いので、Broker から新しいトークンを取得し（${code('GetSessionConnectionData')}）、入力し直してください。`,
      `新しいトークンでも拒否される場合、サーバーがこの Broker に問い合わせていません。サーバーの ${code('dcv.conf')} の ${code('[security] auth-token-verifier')} は ${code(`https://${f.brokerHost ?? '<broker>'}:8445/agent/validate-authentication-token`)}（Broker のエージェント用ポート）にする必要があります。`,
    ),

  CONNECTION_LIMIT_REACHED: (f) =>
    join(
      `${session(f)}は、許可されている数の接続がすでにあります${f.maxConcurrentClients !== undefined ? `（最大 ${f.maxConcurrentClients}${f.numOfConnections !== undefined ? `、接続中 ${f.numOfConnections}` : ''}）` : ''}。`,
      `ほかの接続を閉じるか、上限を上げてセッションを作り直すよう依頼してください（${code('dcv create-session --max-concurrent-clients N')}。Broker 経由なら ${code('MaxConcurrentClients')}）。`,
    ),

  GATEWAY_TOKEN_MISSING: (f, w) =>
    join(
      `このデスクトップは DCV Connection Gateway を通りますが、認証トークンがありません（${path(f, 'auth')} で ${code(f.status ?? 404)}）。`,
      'Gateway はクライアントが送るセッション ID とトークンだけを手がかりにセッションを探すので、トークンがないと見つけられません。',
      `ランチャーの Session Manager から開く（接続のたびに新しいトークンを取得します）か、${w.ui('desktop.token')}にトークンを入力してください（Broker の ${code('GetSessionConnectionData')} で得られます）。`,
      `セッション ID は${w.ui('desktop.sessionId')}に入力します（リンクでは ${code('#')} の後ろ）。${code('?sessionId=')} ではありません。`,
    ),

  GATEWAY_SESSION_UNRESOLVED: (f) =>
    join(
      `Connection Gateway（${where(f)}）が、${session(f)}がどこで動いているかを見つけられませんでした（${f.abortReason ? code(f.abortReason) : '応答せずに接続を閉じました'}）。`,
      `次の点を管理者に確認してもらってください。Broker の ${code('dcv-session-manager-broker.properties')} に ${code('enable-gateway = true')} があるか。`,
      `Gateway の ${code('dcv-connection-gateway.conf')} に ${code(`[resolver] url = "https://${f.brokerHost ?? '<broker>'}:8447"`)} と ${code(`ca-file = "${BROKER_CA}"`)} があるか。`,
      `セッションが ${server(f)} で使える状態になっているか。`,
    ),

  GATEWAY_SERVER_UNREACHABLE: (f) =>
    join(
      `Connection Gateway は${session(f)}の場所（${server(f)}）を知っていますが、そこに接続できません。`,
      `Gateway のホストからそのサーバーの DCV のポートに届くか（Gateway からサーバーへのセキュリティグループ）、そこで ${code('dcvserver')} が動いているか、Broker が示すアドレスが Gateway から届くものかを管理者に確認してもらってください。`,
    ),

  BROKER_AUTH_FAILED: (f, w) =>
    join(
      f.clientId
        ? `${peer(f)} が API クライアント ${code(f.clientId)} とそのパスワードを受け付けませんでした。${w.ui('source.clientId')}と${w.ui('source.clientPassword')}を入力し直してください。`
        : `${peer(f)} はサインインを求めています（認可が有効です）。${w.ui('source.authKind')}を${w.label('source.auth.broker')}にして、クライアント ID とパスワードを入力してください。`,
      `管理者は Broker のホストで ${code('sudo dcv-session-manager-broker register-api-client --client-name NAME')} を実行してクライアントを作成できます（ID とパスワードは一度だけ表示されます）。`,
    ),

  BROKER_FORBIDDEN: (f, w) =>
    join(
      `${peer(f)} は API クライアント ${code(f.clientId ?? '?')} を受け付けましたが、${w.op(f.operation)}を拒否しました（${code('403')}）。このクライアントには許可されていない操作です。`,
      `ランチャーが使うべき API クライアントを Broker の管理者に確認し、${w.ui('source.clientId')}に入力してください。`,
    ),

  BROKER_INVALID_REQUEST: (f, w) =>
    join(
      `${peer(f)} が${w.op(f.operation)}を不正な要求として拒否しました（${code('400')}）。`,
      `セッション ID${f.sessionId ? `（${code(f.sessionId)}）` : ''}と${w.ui('source.user')}を確認してください。正しい場合は、Broker のバージョンがランチャーの想定より古い可能性があります。`,
    ),

  BROKER_ERROR: (f, w) =>
    join(
      `${peer(f)} が${w.op(f.operation)}に${f.brokerStatus !== undefined ? ` ${code(f.brokerStatus)} ` : 'エラー'}を返しました。`,
      `Broker のサービスとログ（${BROKER_STATUS}）を管理者に確認してもらい、${w.ui('source.brokerPort')}が Broker のクライアント用ポートになっているか確認してください。`,
    ),

  BROKER_BAD_RESPONSE: (f, w) =>
    join(
      `${where(f)} からの${w.op(f.operation)}への応答は、Session Manager の Broker のものではありません。`,
      `${w.ui('source.brokerPort')}が Broker のクライアント用ポート（既定は 8443、8448 の環境も多い）になっているか確認してください。Gateway や DCV サーバーのポートではいけません。`,
    ),

  BROKER_TIMEOUT: (f, w) =>
    join(`${peer(f)} が${w.op(f.operation)}に時間内に応答しませんでした。`, `Broker が動いているか（${BROKER_STATUS}）、負荷が高すぎないかを管理者に確認してもらってください。`),

  SESSION_NOT_FOUND: (f, w) =>
    f.atBroker
      ? join(
          `Broker（${where(f)}）は${session(f)}を知りません。閉じられたか削除された可能性があります。`,
          `一覧を更新して（${w.label('sessions.refresh')}）表示されているデスクトップを開くか、新しく作成してください（${w.label('sessions.new')}）。`,
        )
      : join(
          `サーバーに${session(f)}はありません。`,
          `サーバーにあるセッションを管理者に確認してもらい（サーバーで ${code('dcv list-sessions')}）、そのひとつを${w.ui('desktop.sessionId')}に入力してください（リンクでは ${code('#')} の後ろ）。`,
          `またはセッションを作るよう依頼してください: ${code(`sudo dcv create-session --owner USER ${f.sessionId ?? 'NAME'}`)}。`,
        ),

  SESSION_NOT_READY: (f, w) => {
    const state = f.sessionState?.toUpperCase();
    return join(
      `${session(f)}はまだ使える状態ではありません（状態: ${w.state(f.sessionState)}${f.stateReason ? `、${code(f.stateReason)}` : ''}）。`,
      state === 'CREATING'
        ? `Session Manager がまだ起動しているところです。少し待ってからもう一度試してください。このまま変わらない場合は、そのサーバーの Session Manager エージェント（${AGENT_STATUS}）を管理者に確認してもらってください。`
        : state === 'DELETING' || state === 'DELETED'
          ? `このセッションはなくなるところです。新しいデスクトップを作成してください（${w.label('sessions.new')}）。`
          : `Session Manager がこのセッションの状態を把握できていません。そのサーバーの Session Manager エージェント（${AGENT_STATUS}）と ${code('dcvserver')} を管理者に確認してもらってください。`,
    );
  },

  SESSION_NO_ROUTE: (f, w) =>
    join(
      `セッションは ${server(f)} で動いていますが、ここからそのサーバーへの行き方を示す規則がありません。`,
      `${w.ui('source.rules')}にそのサーバーの規則を追加するか（サーバーのアドレスか名前の後に、ロードバランサーのポート、またはパスルーターなら ${code('prefix 8443')}）、`,
      `${w.ui('source.via')}を${w.label('source.via.gateway')}にしてください。`,
    ),

  LISTEN_FAILED: (_f, w) => `ランチャーのローカルポートを別のプログラムが使っています。${w.ui('profile.localPort')}を変えるか、空欄にして空いているポートをランチャーに選ばせてください。`,

  UNEXPECTED: (_f, w) => `この手順は予期しない理由で失敗しました。${w.label('doctor.copyReport')}でレポートをコピーし、サポートに送ってください。`,
};
