/**
 * What failed, worded per code (`err.<CODE>`, see ../messages.ts formatFailure): every code a
 * connection, a Session Manager source, or a request to main can fail with. Placeholders are the
 * failure's params (the TunnelError's or BrokerError's plain details); written in backticks they
 * show as <code>. A variant (`err.<CODE>.<variant>`) is used when the params call for it; a
 * missing param is replaced by its noun (`err.param.<name>`), so a failure seen without its
 * params (a tunnel's last error) still reads as a sentence. English prose that comes as a param
 * (a Broker's `error`, a `reason`) is never placed in these texts.
 */
import { texts } from './define';

export const errorsTexts = texts(
  {
    // the path: dns, tcp, proxy, tls, the server
    'err.DNS_NOT_FOUND': 'This computer cannot find the address of `{host}`.',
    'err.DNS_NOT_FOUND.timeout': 'Looking up the address of `{host}` took too long.',
    'err.TCP_REFUSED': '`{address}` refused the connection: nothing is listening on that port.',
    'err.TCP_TIMEOUT': '`{address}` did not answer in time: the connection is blocked on the way.',
    'err.TCP_TIMEOUT.unreachable': '`{address}` cannot be reached from this computer.',
    'err.PROXY_UNREACHABLE': 'The proxy `{proxy}` cannot be reached.',
    'err.PROXY_AUTH_REQUIRED': 'The proxy `{proxy}` asks for a user name and password.',
    'err.PROXY_AUTH_REQUIRED.rejected': 'The proxy `{proxy}` refused the user name or password.',
    'err.PROXY_CREDENTIALS_REFUSED': 'The proxy `{proxy}` refused this user name and password before: they are not sent again until you enter them again (so that the account is not locked).',
    'err.PROXY_URL_UNENCODED': 'The user name or password in the proxy URL contains “/”, “?” or “#” as it is: write them percent-encoded (%2F, %3F, %23).',
    'err.PROXY_CONNECT_FORBIDDEN': 'The proxy `{proxy}` does not allow connections to `{connectTo}`.',
    'err.PROXY_ERROR': 'The proxy `{proxy}` did not answer the way a proxy should.',
    'err.PROXY_ERROR.status': 'The proxy `{proxy}` could not connect to `{connectTo}` (it answered `{proxyStatus}`).',
    'err.PROXY_ERROR.timeout': 'The proxy `{proxy}` did not answer in time.',
    'err.PROXY_ERROR.noRoute': 'The launcher cannot decide how to reach the endpoint: the proxy settings cannot be used. Check {ui:endpoint.proxyMode}.',
    'err.TLS_PIN_MISMATCH': 'The server presented a different certificate from the one you trusted.',
    'err.TLS_UNTRUSTED': 'This computer does not trust the server’s certificate.',
    'err.TLS_EXPIRED': 'The server’s certificate has expired.',
    'err.TLS_NAME_MISMATCH': 'The server’s certificate is not for `{host}`.',
    'err.TLS_HANDSHAKE_FAILED': 'No secure connection (TLS) could be set up with the server.',
    'err.TLS_HANDSHAKE_FAILED.timeout': 'Setting up the secure connection (TLS) took too long.',
    'err.UPSTREAM_RESET': 'The server closed the connection before answering.',
    'err.UPSTREAM_TIMEOUT': 'The server did not answer in time.',
    'err.LISTEN_FAILED': 'The launcher could not open its local port.',
    'err.LISTEN_FAILED.inUse': 'Another program already uses the local port `{address}`. Change {ui:profile.localPort}, or leave it empty.',

    // Session Manager's Broker
    'err.BROKER_UNREACHABLE': 'The Session Manager’s Broker `{broker}` cannot be reached.',
    'err.BROKER_AUTH_FAILED': 'The Broker `{broker}` refused the sign-in. Check {ui:source.clientId} and {ui:source.clientPassword}.',
    'err.BROKER_FORBIDDEN': 'The Broker `{broker}` does not allow {operation} for this API client.',
    'err.BROKER_INVALID_REQUEST': 'The Broker `{broker}` refused {operation} as invalid.',
    'err.BROKER_ERROR': 'The Broker `{broker}` answered {operation} with an error (`{status}`).',
    'err.BROKER_BAD_RESPONSE': 'The answer from `{broker}` is not a Session Manager Broker’s. Check {ui:source.brokerPort}.',
    'err.BROKER_TIMEOUT': 'The Broker `{broker}` did not answer in time.',
    'err.SESSION_NOT_FOUND': 'The Session Manager has no desktop with the session ID `{sessionId}`: it may have been closed.',
    'err.SESSION_NOT_READY': 'The desktop `{sessionId}` is not ready yet (state: {state}). Try again in a moment.',

    // the Session Manager sources (main/services/session-directory.ts)
    'err.SESSION_CREATE_FAILED': 'The Session Manager did not create the desktop “{name}”.',
    'err.SESSION_NOT_OWN': '“{name}” belongs to `{owner}`: here you can delete only your own desktops.',
    'err.SESSION_DELETE_FAILED': 'The Session Manager did not delete the desktop “{name}”.',
    'err.SESSION_NO_ROUTE': 'No rule of the Session Manager “{source}” says how to reach `{server}`. Add one in {ui:source.rules}.',
    'err.SOURCE_ENDPOINT_MISSING': 'The endpoint this Session Manager uses no longer exists. Choose one in its settings.',

    // requests to main (ApiErrorCode), and an open that ended another way
    'err.INVALID_INPUT': 'The launcher refused the request: something in it is not valid.',
    'err.NOT_FOUND': 'It was not found: it may have been deleted meanwhile.',
    'err.CONFLICT': 'It was changed meanwhile (perhaps in another window). Try again.',
    'err.FORBIDDEN': 'The launcher does not allow this.',
    'err.STORE_ERROR': 'The catalogue file could not be read or saved.',
    'err.INTERNAL': 'Something unexpected went wrong inside the launcher.',
    'err.CLOSED': 'The connection was closed while it was opening.',
    'err.UNEXPECTED': 'Something unexpected went wrong.',

    // a param a failure came without: the words that stand in for it
    'err.param.address': 'the server',
    'err.param.host': 'the endpoint',
    'err.param.connectTo': 'the endpoint',
    'err.param.proxyStatus': 'an error',
    'err.param.status': 'unknown',
    'err.param.state': 'unknown',
    'err.param.owner': 'another user',
    'err.param.server': 'the session’s server',
    'err.param.unknown': '',

    // the Broker's calls, as the texts above and the advice name them
    'broker.op.token': 'the sign-in token request',
    'broker.op.describeSessions': 'the request for the desktop list',
    'broker.op.getSessionConnectionData': 'the request for connection data',
    'broker.op.createSessions': 'the request to create a desktop',
    'broker.op.deleteSessions': 'the request to delete a desktop',
    'broker.op.unknown': 'the request',
  },
  {
    'err.DNS_NOT_FOUND': 'このパソコンでは `{host}` のアドレスを調べられません。',
    'err.DNS_NOT_FOUND.timeout': '`{host}` のアドレスの問い合わせに時間がかかりすぎました。',
    'err.TCP_REFUSED': '`{address}` が接続を拒否しました。そのポートで待ち受けているものがありません。',
    'err.TCP_TIMEOUT': '`{address}` から時間内に応答がありません。途中で通信が止められています。',
    'err.TCP_TIMEOUT.unreachable': 'このパソコンから `{address}` に届きません。',
    'err.PROXY_UNREACHABLE': 'プロキシ `{proxy}` に接続できません。',
    'err.PROXY_AUTH_REQUIRED': 'プロキシ `{proxy}` がユーザー名とパスワードを求めています。',
    'err.PROXY_AUTH_REQUIRED.rejected': 'プロキシ `{proxy}` がユーザー名またはパスワードを受け付けませんでした。',
    'err.PROXY_CREDENTIALS_REFUSED': 'プロキシ `{proxy}` はこのユーザー名とパスワードを一度拒否しました。アカウントがロックされないよう、入力し直すまで再送しません。',
    'err.PROXY_URL_UNENCODED': 'プロキシの URL のユーザー名かパスワードに「/」「?」「#」がそのまま書かれています。パーセントエンコード（%2F、%3F、%23）してください。',
    'err.PROXY_CONNECT_FORBIDDEN': 'プロキシ `{proxy}` が `{connectTo}` への接続を許可していません。',
    'err.PROXY_ERROR': 'プロキシ `{proxy}` から正しい応答がありませんでした。',
    'err.PROXY_ERROR.status': 'プロキシ `{proxy}` が `{connectTo}` に接続できませんでした（応答 `{proxyStatus}`）。',
    'err.PROXY_ERROR.timeout': 'プロキシ `{proxy}` が時間内に応答しませんでした。',
    'err.PROXY_ERROR.noRoute': 'プロキシの設定が使えないため、エンドポイントへの経路を決められません。{ui:endpoint.proxyMode}を確認してください。',
    'err.TLS_PIN_MISMATCH': 'サーバーが、信頼済みのものとは違う証明書を提示しました。',
    'err.TLS_UNTRUSTED': 'このパソコンはサーバーの証明書を信頼していません。',
    'err.TLS_EXPIRED': 'サーバーの証明書の有効期限が切れています。',
    'err.TLS_NAME_MISMATCH': 'サーバーの証明書は `{host}` 用ではありません。',
    'err.TLS_HANDSHAKE_FAILED': 'サーバーと暗号化された接続（TLS）を確立できませんでした。',
    'err.TLS_HANDSHAKE_FAILED.timeout': '暗号化された接続（TLS）の確立に時間がかかりすぎました。',
    'err.UPSTREAM_RESET': 'サーバーが応答する前に接続を切りました。',
    'err.UPSTREAM_TIMEOUT': 'サーバーが時間内に応答しませんでした。',
    'err.LISTEN_FAILED': 'ランチャーがローカルポートを開けませんでした。',
    'err.LISTEN_FAILED.inUse': 'ローカルポート `{address}` はほかのプログラムが使っています。{ui:profile.localPort}を変えるか、空欄にしてください。',

    'err.BROKER_UNREACHABLE': 'Session Manager の Broker（`{broker}`）に接続できません。',
    'err.BROKER_AUTH_FAILED': 'Broker（`{broker}`）がサインインを拒否しました。{ui:source.clientId}と{ui:source.clientPassword}を確認してください。',
    'err.BROKER_FORBIDDEN': 'Broker（`{broker}`）は、この API クライアントに{operation}を許可していません。',
    'err.BROKER_INVALID_REQUEST': 'Broker（`{broker}`）が{operation}を不正な要求として拒否しました。',
    'err.BROKER_ERROR': 'Broker（`{broker}`）が{operation}にエラー（`{status}`）を返しました。',
    'err.BROKER_BAD_RESPONSE': '`{broker}` からの応答は Session Manager の Broker のものではありません。{ui:source.brokerPort}を確認してください。',
    'err.BROKER_TIMEOUT': 'Broker（`{broker}`）が時間内に応答しませんでした。',
    'err.SESSION_NOT_FOUND': 'Session Manager にセッション ID `{sessionId}` のデスクトップがありません。閉じられた可能性があります。',
    'err.SESSION_NOT_READY': 'デスクトップ `{sessionId}` はまだ使える状態ではありません（状態: {state}）。少し待ってからもう一度試してください。',

    'err.SESSION_CREATE_FAILED': 'Session Manager はデスクトップ「{name}」を作成しませんでした。',
    'err.SESSION_NOT_OWN': '「{name}」は `{owner}` さんのデスクトップです。ここで削除できるのは自分のデスクトップだけです。',
    'err.SESSION_DELETE_FAILED': 'Session Manager はデスクトップ「{name}」を削除しませんでした。',
    'err.SESSION_NO_ROUTE': '`{server}` への行き方を示す規則が、Session Manager「{source}」にありません。{ui:source.rules}に追加してください。',
    'err.SOURCE_ENDPOINT_MISSING': 'この Session Manager が使うエンドポイントはもうありません。設定でエンドポイントを選び直してください。',

    'err.INVALID_INPUT': 'ランチャーが要求を受け付けませんでした。内容に正しくないところがあります。',
    'err.NOT_FOUND': '見つかりませんでした。その間に削除された可能性があります。',
    'err.CONFLICT': 'その間に（別のウィンドウなどで）変更されました。もう一度試してください。',
    'err.FORBIDDEN': 'この操作は許可されていません。',
    'err.STORE_ERROR': 'カタログファイルを読み込めないか、保存できませんでした。',
    'err.INTERNAL': 'ランチャーの内部で予期しない問題が起きました。',
    'err.CLOSED': '接続を開いている途中で閉じられました。',
    'err.UNEXPECTED': '予期しない問題が起きました。',

    'err.param.address': '接続先',
    'err.param.host': 'エンドポイント',
    'err.param.connectTo': 'エンドポイント',
    'err.param.proxyStatus': 'エラー',
    'err.param.status': '不明',
    'err.param.state': '不明',
    'err.param.owner': '別のユーザー',
    'err.param.server': 'セッションのサーバー',
    'err.param.unknown': '',

    'broker.op.token': 'サインイン用トークンの要求',
    'broker.op.describeSessions': 'デスクトップ一覧の要求',
    'broker.op.getSessionConnectionData': '接続情報の要求',
    'broker.op.createSessions': 'デスクトップ作成の要求',
    'broker.op.deleteSessions': 'デスクトップ削除の要求',
    'broker.op.unknown': '要求',
  },
);
