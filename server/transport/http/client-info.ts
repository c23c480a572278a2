// What we can tell about the browser behind a request: its IP, a short browser and OS
// label from the user agent, and a location label. A real IP-to-location source is
// pluggable (sign-in logs issue); private and loopback addresses are labelled as such.
import { isIP } from 'node:net';
import type { Request } from 'express';

export interface ClientInfo {
  ip: string;
  browser: string;
  location: string;
}

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/HeadlessChrome\/(\d+)/, 'Chrome Headless'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+).*Safari/, 'Safari'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Windows NT/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export function describeBrowser(ua: string | undefined): string {
  if (!ua) return '';
  const b = BROWSERS.find(([re]) => re.test(ua));
  const os = SYSTEMS.find(([re]) => re.test(ua));
  const name = b ? `${b[1]} ${ua.match(b[0])![1]}` : 'Unknown browser';
  return os ? `${name} on ${os[1]}` : name;
}

export function describeLocation(ip: string): string {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (v4 === '127.0.0.1' || v4 === '::1' || v4.startsWith('127.')) return 'This computer (loopback)';
  if (isIP(v4) === 4 && /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)/.test(v4)) return 'Private network';
  if (isIP(v4) === 6 && /^(fc|fd|fe80)/i.test(v4)) return 'Private network';
  return '';
}

export function clientInfo(req: Request): ClientInfo {
  const raw = req.ip ?? req.socket.remoteAddress ?? '';
  const ip = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
  return { ip, browser: describeBrowser(req.get('user-agent')), location: describeLocation(ip) };
}
