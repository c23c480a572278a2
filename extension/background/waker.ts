// Opens the offscreen document that starts this worker again when Chrome stops it
// (messaging/wake-port.ts). One per extension; where the browser has no offscreen documents
// (Firefox, whose background is an event page) nothing is opened and the alarm brings the
// background back, as before.
import { offscreenApi } from '../messaging/index.ts';

export const WAKER_PATH = 'extension/offscreen/index.html';

export async function ensureWaker(): Promise<void> {
  const offscreen = offscreenApi();
  if (!offscreen) return;
  if (await offscreen.hasDocument()) return;
  await offscreen
    .createDocument({
      url: WAKER_PATH,
      // No reason names this job; WORKERS is the nearest (the document exists for a worker), and the justification says the rest.
      reasons: ['WORKERS'],
      justification: 'Starts the extension service worker again when Chrome stops it, so a sign-in request pushed to this device is shown within a second.',
    })
    // Two wake-ups racing: the other one opened it.
    .catch((err: unknown) => {
      if (!String(err).includes('single offscreen')) throw err;
    });
}
