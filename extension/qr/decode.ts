// Reads an enrollment QR code from what the visible tab (or a shared window's frame) shows. zxing-wasm decodes inside
// the extension; its .wasm ships in our bundle (the `?url` import below) and is never
// fetched from a CDN. Compiling it needs 'wasm-unsafe-eval' in the extension CSP.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { PushkeyError, parseEnrollUri, type EnrollLink } from '../../protocol/index.ts';
import { t } from '../ui/i18n.ts';

let prepared = false;
function prepare(): void {
  if (prepared) return;
  prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, location.href).href : prefix + path) },
  });
  prepared = true;
}

/** Every QR code text found in an image: a PNG/JPEG blob, or a video frame's pixels. */
export async function decodeQrCodes(image: Blob | ImageData): Promise<string[]> {
  prepare();
  const results = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 8 });
  return results.filter((r) => r.isValid).map((r) => r.text);
}


const isPushkey = (text: string) => text.trim().startsWith('pushkey://');

/** The enrollment link among the codes found; a PushkeyError a person can act on otherwise. */
export function pickEnrollLink(texts: string[]): EnrollLink {
  const candidates = texts.filter(isPushkey);
  if (candidates.length === 0) throw new PushkeyError('not_found', t('scanNoQr'));
  return parseEnrollUri(candidates[0]!);
}

/**
 * What one frame of a shared window shows: the enrollment link, another QR code (whose text is
 * kept for the message, never sent), or nothing readable. A malformed pushkey:// code counts as
 * another code, with the parser's reason.
 */
export type FrameFinding = { kind: 'link'; link: EnrollLink } | { kind: 'other'; message: string } | { kind: 'none' };

export function classifyCodes(texts: string[]): FrameFinding {
  if (texts.length === 0) return { kind: 'none' };
  const ours = texts.find(isPushkey);
  if (ours === undefined) return { kind: 'other', message: otherCodeMessage(texts[0]!) };
  try {
    return { kind: 'link', link: parseEnrollUri(ours) };
  } catch (err) {
    return { kind: 'other', message: t('scanUnusableCode', (err as Error).message) };
  }
}

function otherCodeMessage(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return t('scanOtherCode', shown);
}

export async function dataUrlToBlob(dataUrl: string): Promise<Blob> {
  return (await fetch(dataUrl)).blob();
}
