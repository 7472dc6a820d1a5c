import { describe, expect, it } from 'vitest';
import { sampleCatalogue, sequentialIds, VPCE } from '../store/fixtures';
import { validateCatalogue } from '../store/document';
import { emptyCatalogue } from '../store/catalogue-store';
import { parseDcvFile } from './dcv-file';
import { desktopNameFromFile, planDcvImport } from './dcv-import';
import { parseDcvLink } from './dcv-link';
import { applyPlan } from './plan';

function plan(text: string, catalogue = sampleCatalogue(), name?: string) {
  const read = text.startsWith('dcv://') ? parseDcvLink(text) : parseDcvFile(text);
  if (!read.ok) throw new Error(read.errors.join('; '));
  const planned = planDcvImport(read.connect, catalogue, sequentialIds('new'), { name, notes: read.notes });
  if (!planned.ok) throw new Error(planned.message);
  return planned.plan;
}
const dcv = (connect: string) => `[version]\nformat=1.0\n[connect]\n${connect}\n`;
const codes = (p: ReturnType<typeof plan>) => p.preview.notes.map((n) => n.code);

describe('planDcvImport', () => {
  it('makes a port-mapped desktop and a new endpoint with a manual proxy and first-use pinning', () => {
    const p = plan(dcv('host=10.213.66.188\nport=60000\nproxytype=HTTP\nproxyhost=proxy.corp.example\nproxyport=8080\nproxyuser=alice\ncertificatevalidationpolicy=accept-untrusted'), emptyCatalogue(), 'agent2');
    expect(p.preview.endpoints).toEqual([
      expect.objectContaining({ id: 'new1', host: '10.213.66.188', tls: { mode: 'pin' }, proxy: { mode: 'manual', url: 'http://proxy.corp.example:8080', username: 'alice' } }),
    ]);
    expect(p.preview.desktops).toEqual([expect.objectContaining({ id: 'new2', name: 'agent2', endpointId: 'new1', route: { kind: 'port', port: 60000 }, webUrlPath: '/', notes: '' })]);
    expect(p.preview.notes).toEqual([{ code: 'import.dcv.acceptsAnyCertificate' }]);
    expect(p.preview.warnings.join()).toContain('trust this server');
    expect(p.preview).toMatchObject({ tokens: 0, skipped: { count: 0, examples: [] } });
    expect(p.tokens).toEqual({});
    expect(validateCatalogue(applyPlan(emptyCatalogue(), p)).ok).toBe(true);
  });

  it.each([
    ['SYSTEM', { mode: 'system' }, []],
    ['NONE', { mode: 'direct' }, []],
    ['SOCKS\nproxyhost=s\nproxyport=1080', { mode: 'system' }, [{ code: 'import.dcv.proxyTypeUnsupported', params: { type: 'SOCKS' } }]],
    ['HTTPS\nproxyhost=s\nproxyport=443', { mode: 'system' }, [{ code: 'import.dcv.proxyTypeUnsupported', params: { type: 'HTTPS' } }]],
  ])('maps proxytype=%s', (type, proxy, notes) => {
    const p = plan(dcv(`host=new.example.com\nproxytype=${type}`));
    expect(p.preview.endpoints[0].proxy).toEqual(proxy);
    expect(p.preview.notes).toEqual(notes);
  });

  it('reuses the endpoint with the same host and says when its proxy differs', () => {
    const p = plan(dcv(`host=${VPCE.toUpperCase()}.\nport=50009\nproxytype=NONE`));
    expect(p.preview.endpoints).toEqual([]);
    expect(p.preview.desktops[0]).toMatchObject({ endpointId: 'ep1', route: { kind: 'port', port: 50009 }, name: 'vpce-0a1b2c3d4e5f67890-abcdefgh:50009' });
    expect(p.preview.notes).toEqual([{ code: 'import.dcv.endpointReusedProxyKept', params: { name: 'Tokyo VPC endpoint' } }]);
    expect(p.preview.warnings.join()).toContain('uses your endpoint "Tokyo VPC endpoint" (same host); its proxy setting is kept');

    const same = plan(dcv(`host=${VPCE}\nport=50009`));
    expect(same.preview.notes).toEqual([{ code: 'import.dcv.endpointReused', params: { name: 'Tokyo VPC endpoint' } }]);
  });

  it('makes a gateway route from a session id and hands the token back separately', () => {
    const p = plan(dcv(`host=${VPCE}\nsessionid=console\nauthtoken=T0KEN`));
    const [desktop] = p.preview.desktops;
    expect(desktop).toMatchObject({ route: { kind: 'gateway', port: 8443, sessionId: 'console' } });
    expect(p.tokens).toEqual({ [desktop.id]: 'T0KEN' });
    expect(p.preview.tokens).toBe(1);
    expect(codes(p)).toEqual(['import.dcv.endpointReused', 'import.dcv.tokenToSecretStore']);
    expect(JSON.stringify(p.preview)).not.toContain('T0KEN');
  });

  it('names a desktop without a file name in no language: host label, port and session', () => {
    expect(plan(dcv(`host=${VPCE}\nsessionid=console`)).preview.desktops[0].name).toBe('vpce-0a1b2c3d4e5f67890-abcdefgh:8443#console');
    expect(plan(dcv('host=10.1.2.3\nport=50005')).preview.desktops[0].name).toBe('10.1.2.3:50005');
    expect(plan(`dcv://${VPCE}:8443/10.150.248.136/`).preview.desktops[0].name).toBe('10.150.248.136');
  });

  it('reads an IPv4 first path segment as the nginx router prefix', () => {
    const p = plan(`dcv://${VPCE}:8443/10.150.248.136/dcv/`);
    expect(p.preview.desktops[0]).toMatchObject({ name: '10.150.248.136', route: { kind: 'prefix', port: 8443, agent: '10.150.248.136' }, webUrlPath: '/dcv/' });
    expect(p.preview.notes).toContainEqual({ code: 'import.dcv.prefixRead', params: { agent: '10.150.248.136' } });
    expect(p.preview.warnings.join()).toContain("router's prefix");
  });

  it('keeps a plain web URL path on a port-mapped route', () => {
    const p = plan(dcv('host=h.example\nport=8443\nweburlpath=/dcv'));
    expect(p.preview.desktops[0]).toMatchObject({ route: { kind: 'port', port: 8443 }, webUrlPath: '/dcv/' });
  });

  it('does not duplicate a desktop already there, but refreshes its token', () => {
    const first = plan(`dcv://${VPCE}:8443/#console`, sampleCatalogue(), 'Console');
    const catalogue = applyPlan(sampleCatalogue(), first);
    const again = plan(`dcv://${VPCE}:8443/?authToken=NEW#console`, catalogue);
    expect(again.preview.desktops).toEqual([]);
    expect(again.tokens).toEqual({ [first.preview.desktops[0].id]: 'NEW' });
    expect(again.preview.tokens).toBe(1);
    expect(again.preview.notes).toEqual([
      { code: 'import.dcv.endpointReused', params: { name: 'Tokyo VPC endpoint' } },
      { code: 'import.dcv.duplicate', params: { name: 'Console' } },
      { code: 'import.dcv.tokenReplaced', params: { name: 'Console' } },
    ]);
    expect(again.preview.warnings.join()).toContain('already here');

    const nothing = plan(`dcv://${VPCE}:8443/#console`, catalogue);
    expect(codes(nothing)).toEqual(['import.dcv.endpointReused', 'import.dcv.duplicate', 'import.nothingToImport']);
  });

  it('drops a token that has no session to go with', () => {
    const p = plan(dcv('host=h.example\nauthtoken=abc'));
    expect(p.tokens).toEqual({});
    expect(codes(p)).toEqual(['import.dcv.tokenDropped']);
    expect(p.preview.warnings.join()).toContain('the auth token is dropped');
  });

  it('notes a user name it does not keep, and puts the reader’s notes first', () => {
    const p = plan('[connect]\nhost=h.example\nuser=山田\n');
    expect(p.preview.notes).toEqual([{ code: 'import.file.noVersion' }, { code: 'import.dcv.userNotKept', params: { user: '山田' } }]);
  });

  it('writes nothing into the desktop’s notes', () => {
    const p = plan(dcv(`host=${VPCE}\nsessionid=console\nauthtoken=T\nuser=alice`));
    expect(p.preview.desktops[0].notes).toBe('');
  });

  it('gives new ids that do not collide with existing ones', () => {
    const catalogue = sampleCatalogue();
    catalogue.endpoints.push({ ...catalogue.endpoints[0], id: 'new1', host: 'other.example' });
    const p = plan(dcv('host=third.example'), catalogue);
    expect(p.preview.endpoints[0].id).toBe('new2');
    expect(p.preview.desktops[0].id).toBe('new3');
  });
});

describe('desktopNameFromFile', () => {
  it.each([
    ['営業デスクトップ.dcv', '営業デスクトップ'],
    ['営業デスクトップ.DCV', '営業デスクトップ'],
    ['C:\\Users\\山田\\Downloads\\営業デスクトップ.Dcv', '営業デスクトップ'],
    ['/home/yamada/デスクトップ/GPU box.dcv', 'GPU box'],
    // macOS hands out decomposed names: "デ" as "テ" + U+3099.
    ['営業テ\u3099スクトッフ\u309a.dcv', '営業デスクトップ'],
    ['agent1.dcv.dcv', 'agent1.dcv'],
    ['  spaced  .dcv', 'spaced'],
    ['.dcv', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (fileName, name) => {
    expect(desktopNameFromFile(fileName)).toBe(name);
  });

  it('keeps a long name within the 120 characters a desktop name may have', () => {
    expect(desktopNameFromFile(`${'長'.repeat(200)}.dcv`)).toHaveLength(120);
  });

  it('names the imported desktop after its file', () => {
    const read = parseDcvFile(dcv(`host=${VPCE}\nsessionid=console`));
    if (!read.ok) throw new Error(read.errors.join());
    const planned = planDcvImport(read.connect, sampleCatalogue(), sequentialIds('n'), { name: desktopNameFromFile('営業デスクトップ.DCV') });
    expect(planned.ok && planned.plan.preview.desktops[0].name).toBe('営業デスクトップ');
  });
});
