import { texts } from './define';

/** Settings: where secrets are kept, and why there (main's `SecretsStatus.why`, its `keychain` a code). */
export const settingsTexts = texts(
  {
    'm.secrets.why.keychain': 'Passwords and tokens are kept in {keychain}.',
    'm.secrets.why.safeStorage': 'No keychain answered, so passwords and tokens are kept encrypted by the operating system in {file}.',
    'm.secrets.why.memory': 'Neither {keychain} nor the operating system’s encryption is available on this computer.',
    'm.secrets.why.memoryNoElectron': '{keychain} did not answer, and browser mode has no other safe place for secrets on this computer.',
    'keychain.macos': 'the macOS Keychain',
    'keychain.windows': 'the Windows Credential Manager',
    'keychain.secret-service': 'the Secret Service (GNOME Keyring / KWallet)',
  },
  {
    'm.secrets.why.keychain': 'パスワードとトークンは {keychain} に保存しています。',
    'm.secrets.why.safeStorage': 'キーチェーンが応答しないため、パスワードとトークンは OS の暗号化機能で暗号化して {file} に保存しています。',
    'm.secrets.why.memory': 'このパソコンでは {keychain} も OS の暗号化機能も使えません。',
    'm.secrets.why.memoryNoElectron': '{keychain} が応答せず、ブラウザーモードではこのパソコンにほかの安全な保存先がありません。',
    'keychain.macos': 'macOS のキーチェーン',
    'keychain.windows': 'Windows の資格情報マネージャー',
    'keychain.secret-service': 'キーリング（GNOME キーリング / KWallet）',
  },
);
