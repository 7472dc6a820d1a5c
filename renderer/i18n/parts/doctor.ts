/**
 * The troubleshooting view's and the failure notices' own texts: the original's disclosure, the
 * technical details, the Broker's steps (a Session Manager desktop's diagnosis starts with them).
 */
import { texts } from './define';

export const doctorTexts = texts(
  {
    'hint.original': 'Original message (English)',
    'doctor.detailsOf': 'Technical details: {step}',
    'doctor.certificateLabel': 'Certificate',
    'advice.unknown': 'This step ended with `{code}`. Copy the report and send it to support.',
    'failure.said': 'What it said:',
    'conn.lastError': 'Last error:',

    'step.broker-dns': 'Broker: name lookup (DNS)',
    'step.broker-tcp': 'Broker: TCP connection',
    'step.broker-proxy': 'Broker: proxy',
    'step.broker-tls': 'Broker: certificate (TLS)',
    'step.broker-token': 'Broker: sign-in token',
    'step.broker-session': 'Broker: finding the session',
    'step.broker-connection': 'Broker: connection token',
    'step.broker': 'Session Manager (Broker)',
    'step.listen': 'Local port',
  },
  {
    'hint.original': '原文（英語）',
    'doctor.detailsOf': '詳細（技術情報）: {step}',
    'doctor.certificateLabel': '証明書',
    'advice.unknown': 'この手順は `{code}` で終わりました。レポートをコピーしてサポートに送ってください。',
    'failure.said': '応答の内容:',
    'conn.lastError': '最後のエラー:',

    'step.broker-dns': 'Broker: 名前解決 (DNS)',
    'step.broker-tcp': 'Broker: TCP 接続',
    'step.broker-proxy': 'Broker: プロキシ',
    'step.broker-tls': 'Broker: 証明書 (TLS)',
    'step.broker-token': 'Broker: サインイン用トークン',
    'step.broker-session': 'Broker: セッションの確認',
    'step.broker-connection': 'Broker: 接続用トークン',
    'step.broker': 'Session Manager（Broker）',
    'step.listen': 'ローカルポート',
  },
);
