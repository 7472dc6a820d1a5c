/**
 * What a desktop window does with a launch URL, as a Node client: visit it, keep the session
 * cookie, then load pages and open dcv WebSockets through the tunnel, trusting only the
 * launcher's localhost certificate.
 */
import { request, type SimpleResponse } from '../sim/http';
import { openAuth, openChannel, openMain, openSocket, type AuthOptions, type ChannelName, type ChannelOptions, type MainOptions, type SocketOptions } from '../sim/protocol';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';

export class LaunchClient {
  cookie = '';

  private constructor(
    readonly origin: string,
    readonly ca: string,
  ) {}

  /** Visits the launch URL: the 302's Location is where the desktop page starts. */
  static async signIn(launchUrl: string, certDir: string): Promise<{ client: LaunchClient; location: string }> {
    const { certPem } = await loadOrCreateLocalCertificate(certDir);
    const client = new LaunchClient(new URL(launchUrl).origin, certPem);
    const res = await request(launchUrl, { ca: certPem });
    const setCookie = res.headers['set-cookie']?.[0];
    if (res.status !== 302 || !setCookie) throw new Error(`sign-in failed: HTTP ${res.status} ${res.text}`);
    client.cookie = setCookie.split(';')[0];
    return { client, location: String(res.headers.location) };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<SimpleResponse> {
    return request(this.origin + path, { headers: { Cookie: this.cookie, ...headers }, ca: this.ca });
  }

  private socketOptions<T extends SocketOptions>(opts: T): T {
    return { ...opts, ca: this.ca, rejectUnauthorized: true, headers: { Cookie: this.cookie, ...opts.headers } };
  }

  auth(base = '/', opts: AuthOptions = {}) {
    return openAuth(this.origin + base, this.socketOptions(opts));
  }

  main(base = '/', opts: MainOptions = {}) {
    return openMain(this.origin + base, this.socketOptions(opts));
  }

  channel(channel: ChannelName, base = '/', opts: ChannelOptions = {}) {
    return openChannel(this.origin + base, channel, this.socketOptions(opts));
  }

  socket(path: string, opts: SocketOptions = {}) {
    return openSocket(this.origin.replace('https:', 'wss:') + path, this.socketOptions(opts));
  }
}
