/**
 * What browser mode prints in the terminal: each paragraph in Japanese, then in English, so a
 * reader of either language finds every instruction next to the URL or fingerprint it is about,
 * and those are printed once.
 * Plain functions of their inputs: the tests read exactly what a user reads.
 */

export interface BannerOptions {
  /** A one-time launch URL for another browser. */
  url: string;
  /** "AB:CD:…", what a browser's certificate viewer shows. */
  fingerprintHex: string;
  dataDir: string;
  /** The browser that now shows the launcher in its own window; undefined: the user opens the URL. */
  appWindow?: { browserName: string };
  /** Why no app window was opened, when it is worth telling (no Chromium-family browser found). */
  noBrowserFound?: boolean;
  demoAgents?: string[];
  /** Enter gives a fresh URL (only when stdin is a terminal). */
  interactive: boolean;
}

/** A paragraph: the Japanese lines, then the same in English. */
const both = (ja: string | string[], en: string | string[]): string[] => [...[ja].flat(), ...[en].flat()];

export function bannerText(o: BannerOptions): string {
  const lines: string[] = ['', ...both('DCV Launcher をブラウザーモードで起動しました。', 'DCV Launcher is running in browser mode.'), ''];
  if (o.appWindow) {
    const name = o.appWindow.browserName;
    lines.push(
      ...both(
        [`  ランチャーを ${name} の専用ウィンドウで開きました。このウィンドウは専用のプロファイルを使い、`, '  このランチャーの証明書だけを信頼します。'],
        [`  The launcher is open in its own ${name} window, with a profile of its own that trusts this`, "  launcher's certificate and no other."],
      ),
      '',
      // Chromium flags the switch on every start with a bar over the page; say what it is before
      // it alarms anyone (a policy could hide it, but only machine-wide; --test-type would too, by deceit).
      ...both(
        [
          '  ウィンドウ上部の「サポートされていないコマンドライン フラグ（--ignore-certificate-errors-spki-list）」の帯は、',
          '  このランチャーの証明書だけを信頼させるための設定によるものです。× で閉じてかまいません。',
        ],
        [
          '  The bar at the top of that window ("unsupported command-line flag: --ignore-certificate-errors-spki-list")',
          "  is the switch that makes it trust this launcher's certificate and no other; close it with ×.",
        ],
      ),
      '',
      ...both('  別のブラウザーで開くときは、この URL を開いてください（1 回限り、2 分間有効）:', '  To open it in another browser, use this URL (it works once, for 2 minutes):'),
      `    ${o.url}`,
      ...both(
        '  そのブラウザーが証明書の警告を表示したら、SHA-256 フィンガープリントが次と一致することを確かめてから進んでください:',
        '  If that browser warns about the certificate, check that its SHA-256 fingerprint is this one, then proceed:',
      ),
      `    ${o.fingerprintHex}`,
    );
  } else {
    lines.push(
      ...both('  ブラウザーでこの URL を開いてください（1 回限り、2 分間有効）:', '  Open this URL in your browser (it works once, for 2 minutes):'),
      `    ${o.url}`,
      '',
      ...both(
        [
          '  ブラウザーは一度だけ「この接続ではプライバシーが保護されません」と警告します。これはこのマシンで作られた',
          '  127.0.0.1 用のランチャー自身の証明書です。ブラウザーが表示する SHA-256 フィンガープリント（アドレスバーの',
          '  「保護されていない通信」→ 証明書の詳細）が次と一致することを確かめてから進んでください:',
        ],
        [
          "  The browser warns once that it does not know the certificate: it is the launcher's own",
          '  certificate for 127.0.0.1, made on this machine. Check that the SHA-256 fingerprint the',
          '  browser shows (padlock / "Not secure" → certificate details) is this one, then proceed:',
        ],
      ),
      `    ${o.fingerprintHex}`,
      ...both(
        '  デスクトップは、同じ証明書を使う 127.0.0.1 の別のポートで新しいタブに開きます。',
        '  Desktops open in new tabs on other 127.0.0.1 ports with the same certificate.',
      ),
    );
    if (o.noBrowserFound) {
      lines.push(
        '',
        ...both(
          ['  Chromium 系のブラウザー（Chromium、Google Chrome、Microsoft Edge、Brave）があれば、警告なしで', '  ランチャー専用のウィンドウに開きます。'],
          ['  With a Chromium-family browser (Chromium, Google Chrome, Microsoft Edge, Brave) the launcher', '  opens in its own window, with no warning.'],
        ),
      );
    }
  }
  lines.push('', `  データ / Data: ${o.dataDir}`);
  if (o.demoAgents?.length) lines.push(`  デモのエージェント / Demo agents: ${o.demoAgents.join(', ')}`);
  lines.push(...stopHint(o.interactive, Boolean(o.appWindow)), '');
  return lines.join('\n');
}

function stopHint(interactive: boolean, appWindow: boolean): string[] {
  if (!interactive) return both('  Ctrl+C で終了します（すべてのトンネルを閉じます）。', '  Ctrl+C to stop (closes every tunnel).');
  if (appWindow) {
    return both(
      '  Enter でウィンドウをもう一度開き、新しい URL を表示します。Ctrl+C で終了します（すべてのトンネルとウィンドウを閉じます）。',
      '  Press Enter to open the window again and print a fresh URL; Ctrl+C to stop (closes every tunnel and the window).',
    );
  }
  return both(
    '  Enter で新しい URL を表示します。Ctrl+C で終了します（すべてのトンネルを閉じます）。',
    '  Press Enter for a fresh URL; Ctrl+C to stop (closes every tunnel).',
  );
}

export function freshUrlText(url: string): string {
  return ['', ...both('  新しい起動 URL（1 回限り）:', '  Fresh launch URL (works once):'), `    ${url}`, ''].join('\n');
}

export function appWindowFailedText(browserName: string, why: string): string {
  return [
    '',
    ...both(
      [
        `  ${browserName} のウィンドウを開けませんでした（${why}）。上の URL をブラウザーで開いてください。`,
        '  証明書の警告が出たら、SHA-256 フィンガープリントが上の値と一致することを確かめてから進んでください。',
      ],
      [
        `  Could not open the ${browserName} window (${why}). Open the URL above in a browser;`,
        '  if it warns about the certificate, check the SHA-256 fingerprint is the one above, then proceed.',
      ],
    ),
    '',
  ].join('\n');
}

export function stoppingText(signal: string): string {
  return `\n${signal}: トンネルを閉じています… / closing tunnels…`;
}

export function startFailedText(message: string): string {
  return both(`DCV Launcher（ブラウザーモード）を起動できませんでした: ${message}`, `DCV Launcher (browser mode) could not start: ${message}`).join('\n');
}
