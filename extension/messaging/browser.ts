// The one import of webextension-polyfill: every browser API the extension touches goes
// through here, so replacing the polyfill (or mocking it) is a one-file change.
import browser from 'webextension-polyfill';

export { browser };

/** The extension's own version (manifest "version"), sent as clientVersion. */
export const extensionVersion = (): string => browser.runtime.getManifest().version;

export const extensionUrl = (path: string): string => browser.runtime.getURL(path);

/** Chromium's offscreen documents; undefined where there are none (Firefox). The polyfill does not cover them. */
export const offscreenApi = (): typeof chrome.offscreen | undefined => (globalThis as { chrome?: typeof chrome }).chrome?.offscreen;
