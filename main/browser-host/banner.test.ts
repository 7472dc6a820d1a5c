import { describe, expect, it } from 'vitest';
import { appWindowFailedText, bannerText, freshUrlText, startFailedText, stoppingText } from './banner';

const URL_ = 'https://127.0.0.1:42519/__launch/q6Fs-wBPcQYau55';
const FP = 'C4:86:5E:F3:1C:7D:75:D3:D5:F3:13:0D:FF:B9:03:5F:BA:AF:F6:00:8A:D3:67:3B:54:EC:A5:2A:6D:81:75:53';
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/**
 * Every paragraph is Japanese lines, then English lines. Paragraphs are split by blank lines, the
 * URL/fingerprint lines (indented 4) and the one-liners that carry both ("データ / Data").
 */
function expectJapaneseThenEnglish(text: string): void {
  const paragraphs: string[][] = [[]];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('    ') || line.includes(' / ')) paragraphs.push([]);
    else paragraphs[paragraphs.length - 1].push(line);
  }
  for (const p of paragraphs.filter((p) => p.length > 0)) {
    const shape = p.map((l) => (JAPANESE.test(l) ? 'J' : 'E')).join('');
    expect(shape, p.join('\n')).toMatch(/^J+E+$/);
  }
}

describe('bannerText', () => {
  it('without an app window: the URL, the fingerprint check and Ctrl+C, Japanese first then English', () => {
    const text = bannerText({ url: URL_, fingerprintHex: FP, dataDir: '/home/u/.config/dcv-launcher', interactive: false });
    expect(text).toContain(`\n    ${URL_}\n`);
    expect(text).toContain(`\n    ${FP}\n`);
    expect(text).toContain('DCV Launcher をブラウザーモードで起動しました。\nDCV Launcher is running in browser mode.');
    expect(text).toContain('この接続ではプライバシーが保護されません'); // Chromium's Japanese interstitial
    expect(text).toContain('Check that the SHA-256 fingerprint');
    expect(text).toContain('  Ctrl+C で終了します（すべてのトンネルを閉じます）。\n  Ctrl+C to stop (closes every tunnel).');
    expect(text).not.toContain('Enter');
    expect(text).toContain('データ / Data: /home/u/.config/dcv-launcher');
    expect(text).not.toContain('Chromium-family');
    expectJapaneseThenEnglish(text);
  });

  it('says how to avoid the warning when no Chromium-family browser was found', () => {
    const text = bannerText({ url: URL_, fingerprintHex: FP, dataDir: '/d', noBrowserFound: true, interactive: true });
    expect(text).toContain('Chromium 系のブラウザー（Chromium、Google Chrome、Microsoft Edge、Brave）があれば、警告なしで');
    expect(text).toContain('With a Chromium-family browser (Chromium, Google Chrome, Microsoft Edge, Brave) the launcher\n  opens in its own window, with no warning.');
    expect(text).toContain('Enter で新しい URL を表示します。Ctrl+C で終了します');
    expect(text).toContain('Press Enter for a fresh URL; Ctrl+C to stop (closes every tunnel).');
    expectJapaneseThenEnglish(text);
  });

  it('with an app window: says where the launcher is, still gives the URL and fingerprint for another browser', () => {
    const text = bannerText({ url: URL_, fingerprintHex: FP, dataDir: '/d', appWindow: { browserName: 'Google Chrome' }, demoAgents: ['https://127.0.0.2:8443/'], interactive: true });
    expect(text).toContain('ランチャーを Google Chrome の専用ウィンドウで開きました');
    expect(text).toContain('The launcher is open in its own Google Chrome window, with a profile of its own');
    expect(text).toContain("launcher's certificate and no other");
    // Chromium's own warning bar about the switch is explained before anyone is alarmed by it.
    expect(text).toContain('  ウィンドウ上部の「サポートされていないコマンドライン フラグ（--ignore-certificate-errors-spki-list）」の帯は、');
    expect(text).toContain('The bar at the top of that window ("unsupported command-line flag: --ignore-certificate-errors-spki-list")');
    expect(text).toContain(`\n    ${URL_}\n`);
    expect(text).toContain(`\n    ${FP}\n`);
    expect(text).not.toContain('この接続ではプライバシーが保護されません');
    expect(text).toContain('Enter でウィンドウをもう一度開き');
    expect(text).toContain('Press Enter to open the window again and print a fresh URL; Ctrl+C to stop (closes every tunnel and the window).');
    expect(text).toContain('デモのエージェント / Demo agents: https://127.0.0.2:8443/');
    expect(text.indexOf('起動しました')).toBeLessThan(text.indexOf('is running'));
    expectJapaneseThenEnglish(text);
  });
});

describe('the other messages', () => {
  it('are Japanese first, then English', () => {
    for (const text of [freshUrlText(URL_), appWindowFailedText('Chromium', 'exit code 21'), startFailedText('EADDRINUSE')]) {
      expectJapaneseThenEnglish(text);
      expect(text).toMatch(JAPANESE);
      expect(text).toMatch(/[A-Za-z]{4,}/);
    }
    expect(freshUrlText(URL_)).toContain(`    ${URL_}`);
    expect(appWindowFailedText('Chromium', 'exit code 21')).toContain('Could not open the Chromium window (exit code 21). Open the URL above in a browser;');
    expect(stoppingText('SIGINT')).toBe('\nSIGINT: トンネルを閉じています… / closing tunnels…');
  });
});
