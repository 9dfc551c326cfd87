import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { TaskFailure } from '../task-failure';

/**
 * Which destinations an `http:invoke` task may reach: the operator's `STEPSTONE_HTTP_ALLOW`, a
 * comma-separated list of host names (`api.example.com`, `*.example.com`), addresses and CIDRs
 * (`10.1.0.0/16`, `::1/128`), or `*` for anything.
 *
 * Unset, only public addresses are allowed: a definition is data anyone with API access may
 * write, and without a bound it could reach the server's own API and admin routes on loopback,
 * the cloud metadata service (169.254.169.254) and the private network the server sits in.
 * Public endpoints are what AWS's HTTP Task reaches too.
 */
export interface HttpAllowList {
  check(url: URL): Promise<void>;
}

const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['::ffff:0:0', 96]] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

export function httpAllowListFrom(setting: string | undefined): HttpAllowList {
  const entries = (setting ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  const anything = entries.includes('*');
  const addresses = new BlockList();
  const hosts: string[] = [];
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) hosts.push(entry);
    else addresses.addSubnet(address, prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
  }
  const hostAllowed = (host: string) => hosts.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry));
  const addressAllowed = (address: string) => {
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (addresses.check(address, family)) return true;
    return entries.length === 0 && !NON_PUBLIC.check(address, family);
  };

  return {
    async check(url) {
      if (anything) return;
      if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(url, 'only http and https are allowed');
      const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      if (hostAllowed(host)) return;
      const resolved = isIP(host) ? [{ address: host }] : await lookup(host, { all: true }).catch(() => []);
      // Every address the name resolves to must be allowed, so a name cannot smuggle in a private one.
      if (resolved.length > 0 && resolved.every(({ address }) => addressAllowed(address))) return;
      refuse(url, 'the destination is not allowed by STEPSTONE_HTTP_ALLOW');
    },
  };
}

function refuse(url: URL, reason: string): never {
  throw new TaskFailure('States.Http.Socket', `Unable to reach ${url.origin}: ${reason}`);
}
