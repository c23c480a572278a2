import { describe, expect, it } from 'vitest';
import { channelOriginAllowed, DEFAULT_CHANNEL_ORIGINS, parseChannelOrigins } from './channel-origins.ts';

const SERVER = 'https://login.example.test';

describe('device channel origins', () => {
  it('lets extensions, the server itself and non-browser clients in by default', () => {
    expect(channelOriginAllowed('chrome-extension://abcdefghijklmnopabcdefghijklmnop', SERVER, DEFAULT_CHANNEL_ORIGINS)).toBe(true);
    expect(channelOriginAllowed('moz-extension://6f1c0d4e-8a7b-4c1d-9e2f-0a1b2c3d4e5f', SERVER, DEFAULT_CHANNEL_ORIGINS)).toBe(true);
    expect(channelOriginAllowed(SERVER, SERVER, DEFAULT_CHANNEL_ORIGINS)).toBe(true);
    expect(channelOriginAllowed(undefined, SERVER, DEFAULT_CHANNEL_ORIGINS)).toBe(true);
  });

  it('refuses web pages elsewhere, look-alikes and a bare scheme', () => {
    for (const o of ['https://evil.example', 'https://login.example.test.evil.example', 'http://login.example.test', 'null', 'chrome-extension://']) {
      expect(channelOriginAllowed(o, SERVER, DEFAULT_CHANNEL_ORIGINS), o).toBe(false);
    }
  });

  it('with a configured list, lets only those extensions in', () => {
    const only = parseChannelOrigins('chrome-extension://abcdefghijklmnopabcdefghijklmnop, moz-extension://*');
    expect(channelOriginAllowed('chrome-extension://abcdefghijklmnopabcdefghijklmnop', SERVER, only)).toBe(true);
    expect(channelOriginAllowed('chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba', SERVER, only)).toBe(false);
    expect(channelOriginAllowed('moz-extension://anything', SERVER, only)).toBe(true);
  });

  it('names a configured entry that is not an origin', () => {
    expect(() => parseChannelOrigins('chrome-extension://a/b')).toThrow(/"chrome-extension:\/\/a\/b"/);
    expect(() => parseChannelOrigins('*')).toThrow(/CHANNEL_ORIGINS/);
  });
});
