import { describe, expect, it } from 'vitest';
import { exportDcvForTunnel, parseDcvFile, safeFileName } from './dcv-file';

const GOOD = `[version]
format=1.0

[connect]
host=10.213.66.188
port=50001
user=alice
proxytype=NONE
certificatevalidationpolicy=ask-user
`;

describe('parseDcvFile', () => {
  it('reads a file as DCV Viewer saves it', () => {
    const read = parseDcvFile(GOOD);
    expect(read).toMatchObject({ ok: true, connect: { host: '10.213.66.188', port: 50001, webUrlPath: '/', user: 'alice', proxy: { type: 'NONE' }, certificateValidationPolicy: 'ask-user' } });
    expect(read.ok && read.notes).toEqual([]);
    expect(read.ok && read.warnings).toEqual([]);
  });

  it('reads CRLF, comments, blank lines, spaces around "=", any case, quotes and a BOM', () => {
    const text =
      '\uFEFF# exported by the broker\r\n[Version]\r\nformat = 1.0\r\n\r\n; the session\r\n[CONNECT]\r\n  Host =  VPCE-123.example.com  \r\nPort= 8443\r\n' +
      'weburlpath = "/dcv"\r\nsessionid=console\r\nauthtoken = abc.DEF_123-xyz\r\nproxytype=http\r\nproxyhost=proxy.corp.example\r\nproxyport=8080\r\nproxyuser=alice\r\n';
    const read = parseDcvFile(text);
    expect(read).toEqual({
      ok: true,
      notes: [],
      warnings: [],
      connect: {
        host: 'vpce-123.example.com',
        port: 8443,
        webUrlPath: '/dcv/',
        sessionId: 'console',
        authToken: 'abc.DEF_123-xyz',
        user: undefined,
        proxy: { type: 'HTTP', host: 'proxy.corp.example', port: 8080, user: 'alice' },
        certificateValidationPolicy: undefined,
      },
    });
  });

  it('accepts a file without [version], with a note', () => {
    const read = parseDcvFile('[connect]\nhost=gw.example.com\n');
    expect(read.ok).toBe(true);
    expect(read.ok && read.notes).toEqual([{ code: 'import.file.noVersion' }]);
    expect(read.ok && read.warnings.join()).toContain('no [version]');
    expect(read.ok && read.connect.port).toBe(8443);
  });

  const at = (line: number, problem: string, params: Record<string, unknown> = {}) => ({ code: 'import.file.lineError', params: { ...params, problem, line } });
  it.each([
    ['a port out of range', GOOD.replace('port=50001', 'port=70000'), at(6, 'import.problem.portInvalid', { key: 'port', value: '70000' }), 'line 6: port "70000" must be a number from 1 to 65535'],
    ['a port that is not a number', GOOD.replace('port=50001', 'port=80a'), at(6, 'import.problem.portInvalid', { key: 'port', value: '80a' }), 'line 6: port "80a"'],
    ['no host', GOOD.replace('host=10.213.66.188\n', ''), { code: 'import.file.error', params: { problem: 'import.problem.hostMissing' } }, 'host is missing'],
    ['a bad host', GOOD.replace('host=10.213.66.188', 'host=bad_host!'), at(5, 'import.problem.hostInvalid', { value: 'bad_host!' }), 'line 5: host "bad_host!" is not a valid host name'],
    ['no [connect]', '[version]\nformat=1.0\n', { code: 'import.file.error', params: { problem: 'import.problem.noConnect' } }, 'no [connect] section'],
    ['a line before any section', 'host=x\n' + GOOD, at(1, 'import.problem.beforeSection', { key: 'host' }), 'line 1: "host" comes before any [section]'],
    ['a line without "="', GOOD.replace('user=alice', 'user alice'), at(7, 'import.problem.notKeyValue'), 'line 7: expected "name=value"'],
    ['an empty section name', GOOD + '[]\n', at(10, 'import.problem.emptySection'), 'line 10: empty section name'],
    ['an unknown proxytype', GOOD.replace('proxytype=NONE', 'proxytype=PAC'), at(8, 'import.problem.proxyTypeInvalid', { value: 'PAC', allowed: ['HTTP', 'HTTPS', 'SOCKS', 'SYSTEM', 'NONE'] }), 'line 8: proxytype "PAC" must be one of'],
    ['an HTTP proxy without a port', GOOD.replace('proxytype=NONE', 'proxytype=HTTP\nproxyhost=proxy'), at(8, 'import.problem.proxyPortMissing', { type: 'HTTP' }), 'line 8: proxytype=HTTP needs a proxyport'],
    ['an HTTP proxy without a host', GOOD.replace('proxytype=NONE', 'proxytype=HTTP\nproxyport=8080'), at(8, 'import.problem.proxyHostMissing', { type: 'HTTP' }), 'line 8: proxytype=HTTP needs a valid proxyhost'],
    ['a bad proxy port', GOOD.replace('proxytype=NONE', 'proxytype=HTTP\nproxyhost=proxy\nproxyport=0'), at(10, 'import.problem.portInvalid', { key: 'proxyport', value: '0' }), 'line 10: proxyport "0" must be a number from 1 to 65535'],
    ['".." in weburlpath', GOOD + 'weburlpath=/a/../b\n', at(10, 'import.problem.webUrlPathInvalid'), 'line 10: weburlpath must be a plain path'],
    ['an encoded "/" in weburlpath', GOOD + 'weburlpath=/a%2Fb/\n', at(10, 'import.problem.webUrlPathInvalid'), 'line 10: weburlpath must be a plain path'],
    ['a session id with spaces', GOOD + 'sessionid=my session\n', at(10, 'import.problem.sessionIdInvalid'), 'line 10: sessionid may hold letters, digits'],
    ['a token with spaces', GOOD + 'authtoken=abc def\n', at(10, 'import.problem.authTokenInvalid', { max: 4096 }), 'line 10: authtoken must be printable characters without spaces'],
  ])('rejects %s with the line, as a code and in English', (_name, text, problem, english) => {
    const read = parseDcvFile(text);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems).toEqual([problem]);
    expect(!read.ok && read.errors.join('\n')).toContain(english);
  });

  it('lists every problem, not just the first', () => {
    const read = parseDcvFile('[connect]\nhost=\nport=99999\n');
    expect(!read.ok && read.problems.map((p) => [p.code, p.params?.problem, p.params?.line])).toEqual([
      ['import.file.lineError', 'import.problem.hostMissing', 2],
      ['import.file.lineError', 'import.problem.portInvalid', 3],
    ]);
    expect(!read.ok && read.errors).toHaveLength(2);
  });

  it('never echoes a token or password in its messages', () => {
    const read = parseDcvFile('[connect]\nhost=h\nauthtoken=SECRET TOKEN\npassword=hunter2\nSECRET-LINE-WITHOUT-EQUALS\n');
    expect(read.ok).toBe(false);
    expect(JSON.stringify(read)).not.toMatch(/SECRET|hunter2/);
  });

  it('notes passwords, repeated keys, unknown settings and odd formats, each as a code with its facts', () => {
    const read = parseDcvFile('[version]\nformat=2.0\n[connect]\nhost=h.example\nport=1\nport=2\npassword=x\ntransport=quic\ncertificatevalidationpolicy=maybe\n[options]\nfullscreen=true\n');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.notes).toEqual([
      { code: 'import.dcv.keyRepeated', params: { line: 6, key: 'port', first: 5 } },
      { code: 'import.dcv.formatUnknown', params: { line: 2, value: '2.0' } },
      { code: 'import.dcv.policyUnknown', params: { line: 9, value: 'maybe', allowed: ['strict', 'accept-untrusted', 'ask-user'] } },
      { code: 'import.dcv.passwordNotImported', params: { line: 7, key: 'password' } },
      { code: 'import.dcv.settingsIgnored', params: { keys: ['transport'] } },
    ]);
    const warnings = read.warnings.join('\n');
    expect(warnings).toContain('line 2: format 2.0 is not 1.0');
    expect(warnings).toContain('line 6: port is set again (first on line 5)');
    expect(warnings).toContain('line 7: password is not imported');
    expect(warnings).toContain('ignored settings the launcher does not use: transport');
    expect(read.connect.port).toBe(2);
  });
});

describe('exportDcvForTunnel', () => {
  const gateway = { name: 'Agent 1 / GPU', webUrlPath: '/dcv/', sessionId: 'console' };
  const ported = { name: 'agent2', webUrlPath: '/' };

  it('points DCV Viewer at the tunnel on 127.0.0.1, and reads back with the same values', () => {
    const { fileName, text } = exportDcvForTunnel({ ...gateway, tunnelPort: 41234, authToken: 'tok-1', tunnelCertificateFingerprint: 'AB:CD' });
    expect(fileName).toBe('Agent-1-GPU.dcv');
    expect(text.startsWith('[version]\nformat=1.0\n')).toBe(true);
    expect(text).toContain('# when the viewer asks, check it is SHA-256 AB:CD');
    const read = parseDcvFile(text);
    expect(read).toMatchObject({
      ok: true,
      notes: [],
      warnings: [],
      connect: { host: '127.0.0.1', port: 41234, webUrlPath: '/dcv/', sessionId: 'console', authToken: 'tok-1', proxy: { type: 'NONE' }, certificateValidationPolicy: 'ask-user' },
    });
  });

  it('never accepts any certificate: ask-user by default, strict on request', () => {
    expect(exportDcvForTunnel({ ...ported, tunnelPort: 1 }).text).not.toContain('accept-untrusted');
    expect(exportDcvForTunnel({ ...ported, tunnelPort: 1 }).text).toContain('certificatevalidationpolicy=ask-user');
    expect(exportDcvForTunnel({ ...ported, tunnelPort: 1, certificateValidationPolicy: 'strict' }).text).toContain('certificatevalidationpolicy=strict');
  });

  it('writes no session or token lines when there are none', () => {
    const { text } = exportDcvForTunnel({ ...ported, tunnelPort: 5000 });
    expect(text).not.toMatch(/sessionid|authtoken/);
  });

  it.each([
    [{ tunnelPort: 0 }, 'tunnel port'],
    [{ tunnelPort: 5000, authToken: 'a\nport=1' }, 'authToken'],
    [{ tunnelPort: 5000, sessionId: 'x y' }, 'sessionId'],
  ])('refuses values that would break the file: %j', (extra, message) => {
    expect(() => exportDcvForTunnel({ ...ported, ...extra })).toThrow(message);
  });

  it('keeps a desktop name with a line break inside one comment line', () => {
    const read = parseDcvFile(exportDcvForTunnel({ ...ported, name: 'evil\n[connect]\nhost=attacker', tunnelPort: 5000 }).text);
    expect(read.ok && read.connect.host).toBe('127.0.0.1');
  });

  it.each([
    ['agent1', 'agent1'],
    ['エージェント 1', 'エージェント-1'],
    ['../../etc/passwd', 'etc-passwd'],
    ['///', 'desktop'],
  ])('makes a safe file name of %j', (name, expected) => {
    expect(safeFileName(name)).toBe(expected);
  });
});
