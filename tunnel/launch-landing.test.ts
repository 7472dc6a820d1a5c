import { describe, expect, it } from 'vitest';
import { launchedCrossSite, launchLanding } from './launch-landing';

describe('the landing page of a launch opened from another site', () => {
  it('is used only when Sec-Fetch-Site says cross-site (a launch file); same-site launches keep the 302', () => {
    expect(launchedCrossSite({ 'sec-fetch-site': 'cross-site' })).toBe(true);
    for (const value of ['same-origin', 'same-site', 'none', undefined]) expect(launchedCrossSite({ 'sec-fetch-site': value })).toBe(false);
  });

  it('continues to the location, escaped, with the cookie, never cached, never framed', () => {
    const landing = launchLanding('/agent/?authToken=a&b="<x>"#s', 'dcvl_session_1=v; Path=/; HttpOnly; Secure; SameSite=Strict');
    expect(landing.body).toContain('<meta http-equiv="refresh" content="0;url=/agent/?authToken=a&amp;b=&quot;&lt;x&gt;&quot;#s">');
    expect(landing.headers).toMatchObject({ 'Set-Cookie': 'dcvl_session_1=v; Path=/; HttpOnly; Secure; SameSite=Strict', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
    expect(landing.headers['Content-Length']).toBe(String(Buffer.byteLength(landing.body)));
    expect(launchLanding('/', undefined).headers['Set-Cookie']).toBeUndefined();
  });
});
