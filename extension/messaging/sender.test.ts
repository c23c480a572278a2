import { describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({ default: { runtime: { id: 'pushkeyid', getURL: (p: string) => `chrome-extension://pushkeyid/${p}` } } }));
const { isOwnPage } = await import('./sender.ts');

describe('messages to the worker', () => {
  it('are taken from the extension’s own pages', () => {
    for (const url of ['chrome-extension://pushkeyid/popup.html', 'chrome-extension://pushkeyid/prompt.html?window=1', 'chrome-extension://pushkeyid/offscreen.html']) {
      expect(isOwnPage({ id: 'pushkeyid', url }), url).toBe(true);
    }
  });

  it('are refused from a content script (our id, a web page’s URL), another extension, or a sender with no URL', () => {
    expect(isOwnPage({ id: 'pushkeyid', url: 'https://evil.example/login' })).toBe(false);
    expect(isOwnPage({ id: 'pushkeyid', url: 'chrome-extension://pushkeyid.evil.example/' })).toBe(false);
    expect(isOwnPage({ id: 'otherextension', url: 'chrome-extension://otherextension/bg.js' })).toBe(false);
    expect(isOwnPage({ id: 'pushkeyid' })).toBe(false);
    expect(isOwnPage(undefined)).toBe(false);
  });
});
