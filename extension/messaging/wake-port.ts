// Chrome stops the service worker whenever it likes (30 s without events, an update, memory
// pressure), and its WebSocket dies with it: a push sent then waits for the next wake-up.
// An offscreen document lives as long as the browser, and holds one port to the worker. The
// worker's end of a port goes away when the worker stops, and the document learns it at once
// (onDisconnect); connecting again is an event that starts the worker, which reconnects its
// channels (the server re-sends what is pending at every bind). Nothing crosses the port:
// it is only there to break. Firefox has no offscreen documents; there the 30 s alarm stays
// the way back (background/index.ts), as it is in Chromium if the document is gone.
import { browser } from './browser.ts';
import { isOwnPage } from './sender.ts';

export const WAKE_PORT = 'wake';

/** Worker side: takes the document's port and holds it for the worker's lifetime. */
export function holdWakePort(): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name === WAKE_PORT && isOwnPage(port.sender)) port.onDisconnect.addListener(() => undefined);
  });
}

/** A port that breaks sooner than this after connecting did not reach a live worker: back off. */
const SETTLED_MS = 2_000;
const RETRY_MAX_MS = 30_000;

/** Document side: keeps a port to the worker, connecting again each time it breaks. */
export function keepWorkerAwake(): void {
  let retryMs = 0;
  const connect = () => {
    const since = Date.now();
    const port = browser.runtime.connect({ name: WAKE_PORT });
    port.onDisconnect.addListener(() => {
      // At once after a worker that lived (Chrome stopped it); later and later if the worker
      // cannot start, so a broken worker is not restarted in a tight loop.
      retryMs = Date.now() - since >= SETTLED_MS ? 0 : Math.min(RETRY_MAX_MS, Math.max(100, retryMs * 2));
      setTimeout(connect, retryMs);
    });
  };
  connect();
}
