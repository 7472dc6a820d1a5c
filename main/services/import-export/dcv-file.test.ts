import { describe, expect, it } from 'vitest';
import { Desktop } from '../../../preload/contract/model';
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
    expect(read.ok && read.warnings).toEqual([]);
  });

  it('reads CRLF, comments, blank lines, spaces around "=", any case, quotes and a BOM', () => {
    const text =
      '\uFEFF# exported by the broker\r\n[Version]\r\nformat = 1.0\r\n\r\n; the session\r\n[CONNECT]\r\n  Host =  VPCE-123.example.com  \r\nPort= 8443\r\n' +
      'weburlpath = "/dcv"\r\nsessionid=console\r\nauthtoken = abc.DEF_123-xyz\r\nproxytype=http\r\nproxyhost=proxy.corp.example\r\nproxyport=8080\r\nproxyuser=alice\r\n';
    const read = parseDcvFile(text);
    expect(read).toEqual({
      ok: true,
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

  it('accepts a file without [version], with a warning', () => {
    const read = parseDcvFile('[connect]\nhost=gw.example.com\n');
    expect(read.ok).toBe(true);
    expect(read.ok && read.warnings.join()).toContain('no [version]');
    expect(read.ok && read.connect.port).toBe(8443);
  });

  it.each([
    ['a port out of range', GOOD.replace('port=50001', 'port=70000'), 'line 6: port "70000" must be a number from 1 to 65535'],
    ['a port that is not a number', GOOD.replace('port=50001', 'port=80a'), 'line 6: port "80a"'],
    ['no host', GOOD.replace('host=10.213.66.188\n', ''), '[connect]: host is missing'],
    ['a bad host', GOOD.replace('host=10.213.66.188', 'host=bad_host!'), 'line 5: host "bad_host!" is not a valid host name'],
    ['no [connect]', '[version]\nformat=1.0\n', 'no [connect] section'],
    ['a line before any section', 'host=x\n' + GOOD, 'line 1: "host" comes before any [section]'],
    ['a line without "="', GOOD.replace('user=alice', 'user alice'), 'line 7: expected "name=value"'],
    ['an unknown proxytype', GOOD.replace('proxytype=NONE', 'proxytype=PAC'), 'line 8: proxytype "PAC" must be one of'],
    ['an HTTP proxy without a port', GOOD.replace('proxytype=NONE', 'proxytype=HTTP\nproxyhost=proxy'), 'line 8: proxytype=HTTP needs a proxyport'],
    ['a bad proxy port', GOOD.replace('proxytype=NONE', 'proxytype=HTTP\nproxyhost=proxy\nproxyport=0'), 'line 10: proxyport "0" must be a number from 1 to 65535'],
    ['".." in weburlpath', GOOD + 'weburlpath=/a/../b\n', 'line 10: weburlpath must be a plain path'],
    ['an encoded "/" in weburlpath', GOOD + 'weburlpath=/a%2Fb/\n', 'line 10: weburlpath must be a plain path'],
    ['a session id with spaces', GOOD + 'sessionid=my session\n', 'line 10: sessionid letters, digits'],
    ['a token with spaces', GOOD + 'authtoken=abc def\n', 'line 10: authtoken must be printable characters without spaces'],
  ])('rejects %s with the line', (_name, text, message) => {
    const read = parseDcvFile(text);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.errors.join('\n')).toContain(message);
  });

  it('lists every error, not just the first', () => {
    const read = parseDcvFile('[connect]\nhost=\nport=99999\n');
    expect(!read.ok && read.errors).toHaveLength(2);
  });

  it('never echoes a token or password in its messages', () => {
    const read = parseDcvFile('[connect]\nhost=h\nauthtoken=SECRET TOKEN\npassword=hunter2\nSECRET-LINE-WITHOUT-EQUALS\n');
    expect(read.ok).toBe(false);
    expect(JSON.stringify(read)).not.toMatch(/SECRET|hunter2/);
  });

  it('warns about passwords, duplicates, unknown settings and odd formats', () => {
    const read = parseDcvFile('[version]\nformat=2.0\n[connect]\nhost=h.example\nport=1\nport=2\npassword=x\ntransport=quic\n[options]\nfullscreen=true\n');
    expect(read.ok).toBe(true);
    const warnings = read.ok ? read.warnings.join('\n') : '';
    expect(warnings).toContain('line 2: format 2.0 is not 1.0');
    expect(warnings).toContain('line 6: port is set again (first on line 5)');
    expect(warnings).toContain('line 7: password is not imported');
    expect(warnings).toContain('ignored settings the launcher does not use: transport');
    expect(read.ok && read.connect.port).toBe(2);
  });
});

describe('exportDcvForTunnel', () => {
  const gateway = Desktop.parse({ id: 'd1', name: 'Agent 1 / GPU', endpointId: 'ep1', route: { kind: 'gateway', port: 8443, sessionId: 'console' }, webUrlPath: '/dcv/' });
  const ported = Desktop.parse({ id: 'd2', name: 'agent2', endpointId: 'ep1', route: { kind: 'port', port: 60000 } });

  it('points DCV Viewer at the tunnel on 127.0.0.1, and reads back with the same values', () => {
    const { fileName, text } = exportDcvForTunnel({ desktop: gateway, tunnelPort: 41234, authToken: 'tok-1', tunnelCertificateFingerprint: 'AB:CD' });
    expect(fileName).toBe('Agent-1-GPU.dcv');
    expect(text.startsWith('[version]\nformat=1.0\n')).toBe(true);
    expect(text).toContain('# when the viewer asks, check it is SHA-256 AB:CD');
    const read = parseDcvFile(text);
    expect(read).toMatchObject({
      ok: true,
      warnings: [],
      connect: { host: '127.0.0.1', port: 41234, webUrlPath: '/dcv/', sessionId: 'console', authToken: 'tok-1', proxy: { type: 'NONE' }, certificateValidationPolicy: 'ask-user' },
    });
  });

  it('never accepts any certificate: ask-user by default, strict on request', () => {
    expect(exportDcvForTunnel({ desktop: ported, tunnelPort: 1 }).text).not.toContain('accept-untrusted');
    expect(exportDcvForTunnel({ desktop: ported, tunnelPort: 1 }).text).toContain('certificatevalidationpolicy=ask-user');
    expect(exportDcvForTunnel({ desktop: ported, tunnelPort: 1, certificateValidationPolicy: 'strict' }).text).toContain('certificatevalidationpolicy=strict');
  });

  it('writes no session or token lines when there are none', () => {
    const { text } = exportDcvForTunnel({ desktop: ported, tunnelPort: 5000 });
    expect(text).not.toMatch(/sessionid|authtoken/);
  });

  it.each([
    [{ tunnelPort: 0 }, 'tunnel port'],
    [{ tunnelPort: 5000, authToken: 'a\nport=1' }, 'authToken'],
    [{ tunnelPort: 5000, sessionId: 'x y' }, 'sessionId'],
  ])('refuses values that would break the file: %j', (extra, message) => {
    expect(() => exportDcvForTunnel({ desktop: ported, ...extra })).toThrow(message);
  });

  it('keeps a desktop name with a line break inside one comment line', () => {
    const desktop = { ...ported, name: 'evil\n[connect]\nhost=attacker' };
    const read = parseDcvFile(exportDcvForTunnel({ desktop, tunnelPort: 5000 }).text);
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
