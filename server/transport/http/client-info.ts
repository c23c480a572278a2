// What we can tell about the browser behind a request: its IP, a short browser and OS
// label from the user agent, and a location label from the configured locator.
import type { Request } from 'express';
import type { Locator } from '../../domain/deps.ts';

export interface ClientInfo {
  ip: string;
  /** "Chrome 156 on Linux": what the push shows. */
  browser: string;
  /** "Chrome 156" and "Linux": what the sign-in log shows in two columns. */
  browserName: string;
  os: string;
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

export function browserName(ua: string | undefined): string {
  if (!ua) return '';
  const b = BROWSERS.find(([re]) => re.test(ua));
  return b ? `${b[1]} ${ua.match(b[0])![1]}` : 'Unknown browser';
}

export function osName(ua: string | undefined): string {
  return (ua && SYSTEMS.find(([re]) => re.test(ua))?.[1]) || '';
}

export function describeBrowser(ua: string | undefined): string {
  if (!ua) return '';
  const os = osName(ua);
  return os ? `${browserName(ua)} on ${os}` : browserName(ua);
}

/** The caller's IP, as Express resolved it (TRUST_PROXY decides whether X-Forwarded-For counts). */
export function clientIp(req: Request): string {
  const raw = req.ip ?? req.socket.remoteAddress ?? '';
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
}

export function clientInfo(req: Request, locate: Locator): ClientInfo {
  const ip = clientIp(req);
  const ua = req.get('user-agent');
  return { ip, browser: describeBrowser(ua), browserName: browserName(ua), os: osName(ua), location: locate(ip) };
}
