/**
 * `dcv://host:port/path?authToken=T#sessionId` links, as DCV Session Manager and brokers hand
 * them out. Read into the same DcvConnect as a `.dcv` file, with the same checks.
 */
import { readConnectFields, type DcvRead, type RawField } from './dcv-connect';

export function parseDcvLink(link: string): DcvRead {
  const text = link.trim();
  if (!/^dcv:\/\//i.test(text)) return { ok: false, errors: ['a DCV link starts with dcv://'] };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, errors: ['not a valid dcv:// link'] };
  }
  const fields = new Map<string, RawField>();
  const put = (key: string, value: string | null, where: string) => {
    if (value) fields.set(key, { value, where });
  };
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s; // left encoded: the checks reject what is not allowed
    }
  };
  put('host', url.hostname, "the link's host");
  put('port', url.port, "the link's port");
  // The path as written: URL parsing would resolve "/a/%2e%2e/" away instead of refusing it.
  put('weburlpath', /^dcv:\/\/[^/?#]*([^?#]*)/i.exec(text)![1], "the link's path");
  const token = [...url.searchParams].find(([k]) => k.toLowerCase() === 'authtoken')?.[1] ?? null;
  put('authtoken', token, "the link's authToken");
  put('sessionid', decode(url.hash.replace(/^#/, '')), "the link's #session");
  put('user', decode(url.username), "the link's user");
  put('password', url.password ? 'hidden' : null, "the link's user:password");
  return readConnectFields(fields, 'the link');
}
