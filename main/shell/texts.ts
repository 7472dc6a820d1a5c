/**
 * The Electron shell's own words — its menu, desktop window titles and the few native dialogs
 * left — in Japanese and English, picked by the catalogue's `settings.language` (language.ts).
 * Everything else the user reads is the renderer's (renderer/i18n): the shell hands the Import
 * dialog and Connect to the launcher window instead of wording them here. Menu roles (Quit, the
 * Edit menu, the macOS app menu) are worded by Electron itself in the OS's language.
 *
 * This is the one file of main/shell where user-facing words may be written (texts.test.ts).
 */
export type ShellLang = 'ja' | 'en';

export interface ShellTexts {
  menu: { file: string; import: string; view: string; help: string; troubleshooting: string; about: string };
  /** Help ▸ About: the first line is "DCV Launcher <version>" in both languages. */
  aboutDetail: string;
  /** The open dialog of File ▸ Import…: its title and the name of its file filter. */
  importPick: { title: string; filter: string };
  /** The picked file could not be read (permissions, gone): said here, the renderer never saw it. */
  importUnreadable(fileName: string): string;
  /** A desktop window's title. */
  desktopTitle(name: string): string;
  /** A desktop page asked for a new window: offer the system browser. */
  openLink: { message: string; open: string; cancel: string };
  /** A dcv-launcher:// link that is not connect/<profile>. */
  linkInvalid: { message: string; detail(url: string): string };
  /** A link to a profile the catalogue does not have. */
  linkNoProfile: { message: string; detail(profileId: string): string };
  /** The catalogue could not be read to follow a link. */
  linkNoCatalogue: string;
  /** The services could not show an opened desktop (its window or the browser). */
  desktopNotShown: string;
  /** File ▸ Import… failed in the shell itself. */
  importFailed: string;
  /** Main's own English detail, labelled as such under a worded message. */
  original(detail: string): string;
}

const ja: ShellTexts = {
  menu: { file: 'ファイル', import: 'インポート…', view: '表示', help: 'ヘルプ', troubleshooting: 'トラブルシューティング', about: 'DCV Launcher について' },
  aboutDetail: 'Amazon DCV のデスクトップを、デスクトップごとのローカル TLS トンネル経由で開きます。',
  importPick: { title: 'インポート', filter: 'カタログ（JSON）、.dcv ファイル、ポート表' },
  importUnreadable: (fileName) => `「${fileName}」を読み込めませんでした。`,
  desktopTitle: (name) => `${name} — DCV デスクトップ`,
  openLink: { message: 'デスクトップがリンクを開こうとしています。', open: 'ブラウザーで開く', cancel: 'キャンセル' },
  linkInvalid: { message: 'DCV Launcher のリンクではありません。', detail: (url) => `受け取ったリンク: ${url}\n形式: dcv-launcher://connect/<プロファイルの ID>` },
  linkNoProfile: { message: 'リンクのプロファイルが見つかりません。', detail: (profileId) => `カタログにプロファイル「${profileId}」がありません。` },
  linkNoCatalogue: 'カタログを読み込めなかったため、リンクを開けませんでした。',
  desktopNotShown: 'デスクトップを表示できませんでした。',
  importFailed: 'インポートを始められませんでした。',
  original: (detail) => `原文（英語）:\n${detail}`,
};

const en: ShellTexts = {
  menu: { file: 'File', import: 'Import…', view: 'View', help: 'Help', troubleshooting: 'Troubleshooting', about: 'About DCV Launcher' },
  aboutDetail: 'Opens Amazon DCV desktops through a per-desktop localhost TLS tunnel.',
  importPick: { title: 'Import', filter: 'Catalogue (JSON), .dcv file or port table' },
  importUnreadable: (fileName) => `Could not read “${fileName}”.`,
  desktopTitle: (name) => `${name} — DCV desktop`,
  openLink: { message: 'The desktop wants to open a link.', open: 'Open in browser', cancel: 'Cancel' },
  linkInvalid: { message: 'Not a DCV Launcher link.', detail: (url) => `Received: ${url}\nExpected: dcv-launcher://connect/<profile id>` },
  linkNoProfile: { message: 'The link’s profile was not found.', detail: (profileId) => `There is no profile “${profileId}” in the catalogue.` },
  linkNoCatalogue: 'The catalogue could not be read, so the link was not opened.',
  desktopNotShown: 'Could not show the desktop.',
  importFailed: 'Could not start the import.',
  original: (detail) => `Original message:\n${detail}`,
};

const TEXTS: Record<ShellLang, ShellTexts> = { ja, en };

/** The shell's words in a language; anything but 'en' is Japanese, the app's default. */
export function shellTexts(lang: string | undefined): ShellTexts {
  return lang === 'en' ? TEXTS.en : TEXTS.ja;
}

/**
 * The start-up error box: shown before any catalogue can be read, so in both languages,
 * Japanese first, with main's own message last.
 */
export function startupFailure(detail: string): { title: string; content: string } {
  return {
    title: 'DCV Launcher を起動できませんでした / DCV Launcher could not start',
    content: ['DCV Launcher を起動できませんでした。', 'DCV Launcher could not start.', '', `詳細 / Details: ${detail}`].join('\n'),
  };
}
