// Opens the shared-window scan in a window of its own, sized like the prompt window.
import { browser, extensionUrl } from '../messaging/index.ts';
import { canCaptureScreen } from '../qr/screen-capture.ts';

export const SCAN_WINDOW_PATH = 'extension/scan-window/index.html';

/** Whether the scan can work here: screen capture in extension pages, and windows to open. */
export const canScanWindow = (): boolean => canCaptureScreen() && typeof browser.windows?.create === 'function';

export async function openScanWindow(): Promise<void> {
  await browser.windows.create({ url: extensionUrl(SCAN_WINDOW_PATH), type: 'popup', width: 440, height: 640, focused: true });
}
