/**
 * A hosts file for this test process: names listed here resolve to their address, every
 * other lookup goes to the real resolver. dial() resolves with node:dns/promises lookup(),
 * so that is what is wrapped (syncBuiltinESMExports makes ES imports see the wrapper).
 *
 * Why this is honest on loopback: we cannot make a real DNS record appear and disappear.
 * A name removed from this table is looked up by the real resolver and fails for real
 * (it lies under the reserved .test TLD); putting it back is what the private zone coming
 * back looks like to the tunnel.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

export interface Hosts {
  set(name: string, address: string): void;
  remove(name: string): void;
  /** Lookups of listed names answered from the table. */
  answered(): number;
  dispose(): void;
}

export function installHosts(): Hosts {
  const table = new Map<string, string>();
  let answered = 0;
  const real = dns.promises.lookup;
  const hooked = ((name: string, options?: unknown) => {
    const address = table.get(name.toLowerCase());
    if (address === undefined) return (real as (n: string, o?: unknown) => Promise<unknown>)(name, options);
    answered++;
    const entry = { address, family: isIP(address) };
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    return Promise.resolve(all ? [entry] : entry);
  }) as typeof dns.promises.lookup;
  dns.promises.lookup = hooked;
  syncBuiltinESMExports();
  return {
    set: (name, address) => void table.set(name.toLowerCase(), address),
    remove: (name) => void table.delete(name.toLowerCase()),
    answered: () => answered,
    dispose: () => {
      dns.promises.lookup = real;
      syncBuiltinESMExports();
    },
  };
}
