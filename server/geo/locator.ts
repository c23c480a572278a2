// Where an IP address is: the label the sign-in log and the push show. Private and
// loopback addresses are labelled as such; anything else comes from a configurable source
// (GEOIP_CSV: lines of "cidr,label", e.g. "203.0.113.0/24,Lisbon, Portugal"), else "".
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';

export type Locator = (ip: string) => string;

const PRIVATE = new BlockList();
for (const [net, prefix] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16]] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const family = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/** Labels only what needs no data: loopback and private ranges. */
export const privateLocator: Locator = (ip) => {
  if (!isIP(ip)) return '';
  if (LOOPBACK.check(ip, family(ip))) return 'This computer (loopback)';
  if (PRIVATE.check(ip, family(ip))) return 'Private network';
  return '';
};

/** Parses "cidr,label" lines (label may contain commas; # starts a comment). Throws naming the bad line. */
export function parseGeoCsv(text: string): Array<{ net: string; prefix: number; label: string }> {
  const out = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const comma = line.indexOf(',');
    const [net, bits] = line.slice(0, comma).trim().split('/');
    const label = line.slice(comma + 1).trim().replace(/^"|"$/g, '');
    const prefix = Number(bits);
    if (comma < 0 || !net || !isIP(net) || !Number.isInteger(prefix) || prefix < 0 || prefix > (isIP(net) === 6 ? 128 : 32) || !label) {
      throw new Error(`GEOIP_CSV line ${i + 1}: expected "cidr,label", got "${line}"`);
    }
    out.push({ net, prefix, label });
  }
  return out;
}

/** A locator over ranges (most specific prefix wins), falling back to privateLocator. */
export function rangesLocator(ranges: Array<{ net: string; prefix: number; label: string }>): Locator {
  const sorted = [...ranges].sort((a, b) => b.prefix - a.prefix).map((r) => {
    const list = new BlockList();
    list.addSubnet(r.net, r.prefix, family(r.net));
    return { list, label: r.label };
  });
  return (ip) => {
    const own = privateLocator(ip);
    if (own || !isIP(ip)) return own;
    return sorted.find((r) => r.list.check(ip, family(ip)))?.label ?? '';
  };
}

export const loadGeoCsv = (path: string): Locator => rangesLocator(parseGeoCsv(readFileSync(path, 'utf8')));
