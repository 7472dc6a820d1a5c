import { describe, expect, it } from 'vitest';
import { parseDcvLink } from './dcv-link';

describe('parseDcvLink', () => {
  it.each([
    ['dcv://10.213.66.188:8443/?authToken=T0k-en.1#console', { host: '10.213.66.188', port: 8443, webUrlPath: '/', authToken: 'T0k-en.1', sessionId: 'console' }],
    ['dcv://gw.example.com?authToken=abc#s-1', { host: 'gw.example.com', port: 8443, webUrlPath: '/', authToken: 'abc', sessionId: 's-1' }],
    ['dcv://GW.Example.com:50001/dcv', { host: 'gw.example.com', port: 50001, webUrlPath: '/dcv/', authToken: undefined, sessionId: undefined }],
    ['dcv://gw:8443/10.150.248.180/?AUTHTOKEN=x#sess', { host: 'gw', port: 8443, webUrlPath: '/10.150.248.180/', authToken: 'x', sessionId: 'sess' }],
    ['dcv://[::1]:9000/', { host: '::1', port: 9000 }],
    ['  dcv://alice@gw:8443/  ', { host: 'gw', user: 'alice' }],
  ])('reads %s', (link, expected) => {
    const read = parseDcvLink(link);
    expect(read.ok, JSON.stringify(read)).toBe(true);
    expect(read.ok && read.connect).toMatchObject(expected);
  });

  const link = (problem: string, params: Record<string, unknown> = {}) => ({ code: 'import.link.error', params: { ...params, problem } });
  it.each([
    ['https://gw:8443/', link('import.problem.linkNotDcv'), 'starts with dcv://'],
    ['dcv://gw:8443/a/%2e%2e/b/', link('import.problem.webUrlPathInvalid', { part: 'path' }), "the link's path: weburlpath must be a plain path"],
    ['dcv://gw:8443/a/../b/', link('import.problem.webUrlPathInvalid', { part: 'path' }), "the link's path: weburlpath must be a plain path"],
    ['dcv://gw:8443/a%2Fb/', link('import.problem.webUrlPathInvalid', { part: 'path' }), "the link's path: weburlpath must be a plain path"],
    ['dcv://gw:8443/#bad%20session', link('import.problem.sessionIdInvalid', { part: 'session' }), "the link's #session: sessionid"],
    ['dcv://gw:8443/?authToken=a%0Ab', link('import.problem.authTokenInvalid', { part: 'authToken', max: 4096 }), "the link's authToken: authtoken must be printable"],
    ['dcv://:8443/', link('import.problem.linkInvalid'), 'not a valid dcv:// link'],
    ['dcv://bad_host:8443/', link('import.problem.hostInvalid', { part: 'host', value: 'bad_host' }), 'host "bad_host" is not a valid host name'],
  ])('rejects %s, as a code and in English', (text, problem, english) => {
    const read = parseDcvLink(text);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems).toEqual([problem]);
    expect(!read.ok && read.errors.join('\n')).toContain(english);
  });

  it('notes a password in the link and does not keep it', () => {
    const read = parseDcvLink('dcv://alice:hunter2@gw:8443/');
    expect(read.ok && read.notes).toEqual([{ code: 'import.dcv.passwordNotImported', params: { part: 'password', key: 'password' } }]);
    expect(read.ok && read.warnings.join()).toContain('password is not imported');
    expect(JSON.stringify(read)).not.toContain('hunter2');
  });
});
