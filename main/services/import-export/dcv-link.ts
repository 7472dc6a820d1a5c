/**
 * `dcv://host:port/path?authToken=T#sessionId` links, as DCV Session Manager and brokers hand
 * them out. Read into the same DcvConnect as a `.dcv` file, with the same checks.
 */
import { dcvRead, readConnectFields, type DcvRead, type RawField } from './dcv-connect';
import { located, note, type LinkPart } from './notes';

export function parseDcvLink(link: string): DcvRead {
  const text = link.trim();
  const whole = { whole: 'link' } as const;
  if (!/^dcv:\/\//i.test(text)) return dcvRead({ ok: false, problems: [located(whole, note('import.problem.linkNotDcv'))] });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return dcvRead({ ok: false, problems: [located(whole, note('import.problem.linkInvalid'))] });
  }
  const fields = new Map<string, RawField>();
  const put = (key: string, value: string | null, part: LinkPart) => {
    if (value) fields.set(key, { value, at: { part } });
  };
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s; // left encoded: the checks reject what is not allowed
    }
  };
  put('host', url.hostname, 'host');
  put('port', url.port, 'port');
  // The path as written: URL parsing would resolve "/a/%2e%2e/" away instead of refusing it.
  put('weburlpath', /^dcv:\/\/[^/?#]*([^?#]*)/i.exec(text)![1], 'path');
  const token = [...url.searchParams].find(([k]) => k.toLowerCase() === 'authtoken')?.[1] ?? null;
  put('authtoken', token, 'authToken');
  put('sessionid', decode(url.hash.replace(/^#/, '')), 'session');
  put('user', decode(url.username), 'user');
  put('password', url.password ? 'hidden' : null, 'password');
  return readConnectFields(fields, whole);
}
