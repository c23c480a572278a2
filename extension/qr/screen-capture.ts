// Reads an enrollment QR code from a window, tab or screen the person shares through the
// browser's own picker (getDisplayMedia), for a QR code shown outside this profile: My Account
// in another browser profile, another browser, a projector. Frames go video → canvas →
// ImageData → zxing-wasm, all inside this page: the stream is never recorded, sent or stored,
// and every track is stopped when the scan ends, however it ends.
import { PushkeyError, type EnrollLink } from '../../protocol/index.ts';
import { t } from '../ui/i18n.ts';
import { classifyCodes, decodeQrCodes } from './decode.ts';

/** How long a shared surface is watched for a pushkey code before the scan gives up. */
export const SCAN_TIMEOUT_MS = 120_000;
/** Pause between two decoded frames: a few reads a second find a code at once and leave the CPU alone. */
const FRAME_GAP_MS = 250;

/** Whether this page can ask for a shared surface at all (a browser without screen capture hides the option). */
export const canCaptureScreen = (): boolean => typeof navigator.mediaDevices?.getDisplayMedia === 'function';

export interface ScanOptions {
  /** Cancel: the scan ends with 'cancelled' and the tracks stop. */
  signal: AbortSignal;
  /** The picker returned a surface: frames are being read. */
  onSharing?: (stream: MediaStream) => void;
  /** A QR code was read that is not a usable pushkey code; the scan goes on. */
  onOtherCode?: (message: string) => void;
  timeoutMs?: number;
}

export type ScanResult = { kind: 'link'; link: EnrollLink } | { kind: 'cancelled' };

/**
 * Asks the browser's picker for a surface (call it from a click: the browser wants a user gesture),
 * then decodes its frames until a pushkey:// code is found, the person cancels or stops sharing,
 * or the time runs out (a PushkeyError that says so).
 */
export async function scanSharedSurface(opts: ScanOptions): Promise<ScanResult> {
  const stream = await pickSurface();
  const stopAll = () => stream.getTracks().forEach((t) => t.stop());
  try {
    if (opts.signal.aborted) return { kind: 'cancelled' };
    opts.onSharing?.(stream);
    return await readUntilFound(stream, opts);
  } finally {
    stopAll();
  }
}

async function pickSurface(): Promise<MediaStream> {
  // Chromium moves focus to a shared tab by default, which would hide this window and throttle its
  // timers; staying put keeps the scan and its Cancel button in front (CaptureController, Chromium 109+).
  const Controller = (globalThis as { CaptureController?: new () => { setFocusBehavior?(b: string): void } }).CaptureController;
  const controller = Controller ? new Controller() : undefined;
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({
      // A larger frame keeps a small QR code readable when a whole screen is shared.
      video: { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 5 } },
      audio: false,
      ...(controller ? { controller } : {}),
    } as DisplayMediaStreamOptions);
    try {
      controller?.setFocusBehavior?.('no-focus-change');
    } catch {
      // Only tabs have a focus behaviour; a window or screen refuses it, and nothing is lost.
    }
    return stream;
  } catch (err) {
    // NotAllowedError: the person closed the picker (or the browser refused); nothing is shared.
    if ((err as DOMException).name === 'NotAllowedError' || (err as DOMException).name === 'AbortError') throw new PushkeyError('not_found', t('scanWindowNothingShared'));
    throw new PushkeyError('not_found', t('scanWindowCannotShare', (err as Error).message));
  }
}

async function readUntilFound(stream: MediaStream, opts: ScanOptions): Promise<ScanResult> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  const track = stream.getVideoTracks()[0];
  // The browser's own "Stop sharing" ends the track: the person cancelled.
  const ended = new Promise<void>((resolve) => track?.addEventListener('ended', () => resolve(), { once: true }));
  const aborted = new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
  const stopped = Promise.race([ended, aborted]).then(() => 'stopped' as const);
  const deadline = Date.now() + (opts.timeoutMs ?? SCAN_TIMEOUT_MS);
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new PushkeyError('internal', t('scanWindowCannotRead'));
  try {
    if ((await Promise.race([video.play().then(() => 'playing' as const), stopped])) === 'stopped') return { kind: 'cancelled' };
    let lastOther = '';
    for (;;) {
      if (opts.signal.aborted || track?.readyState === 'ended') return { kind: 'cancelled' };
      if (Date.now() > deadline) throw new PushkeyError('not_found', t('scanWindowTimedOut', SCAN_TIMEOUT_MS / 60_000));
      const frame = grab(video, canvas, ctx);
      const finding = frame ? classifyCodes(await decodeQrCodes(frame)) : { kind: 'none' as const };
      if (finding.kind === 'link') return { kind: 'link', link: finding.link };
      if (finding.kind === 'other' && finding.message !== lastOther) opts.onOtherCode?.((lastOther = finding.message));
      if ((await Promise.race([sleep(FRAME_GAP_MS), stopped])) === 'stopped') return { kind: 'cancelled' };
    }
  } finally {
    video.pause();
    video.srcObject = null;
  }
}

/** The current frame's pixels, or null before the first frame has arrived. */
function grab(video: HTMLVideoElement, canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D): ImageData | null {
  const { videoWidth: w, videoHeight: h } = video;
  if (w === 0 || h === 0) return null;
  if (canvas.width !== w || canvas.height !== h) Object.assign(canvas, { width: w, height: h });
  ctx.drawImage(video, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

const sleep = (ms: number) => new Promise<'slept'>((resolve) => setTimeout(() => resolve('slept'), ms));
