import { describe, expect, it } from 'vitest';
import { expectNoEnglishSentences, findEnglishSentences } from './noEnglish';

function html(markup: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = markup;
  return div;
}

describe('expectNoEnglishSentences', () => {
  it('finds three ASCII words in a row, even between technical tokens', () => {
    expect(findEnglishSentences(html('<p>uses your endpoint "東京" (same host)</p>'))).toEqual(['uses your endpoint']);
    expect(findEnglishSentences(html('<li>line 6 skipped: port 22 is SSH, not a DCV desktop</li>'))).toEqual(['line skipped port is not a desktop']);
    expect(findEnglishSentences(html('<p>設定: <span>the auth token</span> です</p>'))).toEqual(['the auth token']);
  });

  it('lets Japanese text with file keys, hosts, paths, numbers and acronyms through', () => {
    expectNoEnglishSentences(
      html(
        '<p>proxytype=HTTP には正しい proxyhost が必要です。</p><p>6 行目: port の「70000」は 1〜65535 の数値で指定してください。</p>' +
          '<p>同じホストの既存エンドポイント「vpce-0abc.vpce-svc-0def.ap-northeast-1.vpce.amazonaws.com」を使います。</p>' +
          '<p>NLB の 50001 → agent1 10.150.248.180:8443 /dcv/ C:\\Users\\me\\営業.dcv [connect] #console DCV Viewer</p>',
      ),
    );
  });

  it('does not read <code>, textareas or a closed disclosure, but reads its summary', () => {
    const root = html(
      '<p>結果 <code>the file is not a catalogue</code></p><textarea>port agent ip here</textarea>' +
        '<details><summary>原文（英語）</summary><p lang="en">line 1: expected a name and a value</p></details>',
    );
    expectNoEnglishSentences(root);
    expect(findEnglishSentences(html('<details><summary>Show the original</summary><p>x</p></details>'))).toEqual(['Show the original']);
    expect(findEnglishSentences(html('<details open><summary>原文</summary><p>this is shown now</p></details>'))).toEqual(['this is shown now']);
  });

  it('ends a run at the edge of a block element, not of an inline one', () => {
    expectNoEnglishSentences(html('<div><button>Preview</button><button>Apply</button><button>Cancel</button></div>'));
    expect(findEnglishSentences(html('<p>could <b>not</b> read</p>'))).toEqual(['could not read']);
  });

  it('skips allowed user data', () => {
    const root = html('<option>Tokyo office endpoint (vpce.example.com)</option>');
    expect(findEnglishSentences(root)).toEqual(['Tokyo office endpoint']);
    expect(findEnglishSentences(root, { allow: ['Tokyo office endpoint'] })).toEqual([]);
  });
});
