// Reads an enrollment QR code from what the visible tab shows. zxing-wasm decodes inside
// the extension; its .wasm ships in our bundle (the `?url` import below) and is never
// fetched from a CDN. Compiling it needs 'wasm-unsafe-eval' in the extension CSP.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { PushkeyError, parseEnrollUri, type EnrollLink } from '../../protocol/index.ts';

let prepared = false;
function prepare(): void {
  if (prepared) return;
  prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, location.href).href : prefix + path) },
  });
  prepared = true;
}

/** Every QR code text found in an image (a PNG/JPEG blob or data URL). */
export async function decodeQrCodes(image: Blob): Promise<string[]> {
  prepare();
  const results = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 8 });
  return results.filter((r) => r.isValid).map((r) => r.text);
}

export const NO_QR = 'No pushkey QR code was found on this page. Open the page that shows the QR code, then try again, or enter the code manually.';

/** The enrollment link among the codes found; a PushkeyError a person can act on otherwise. */
export function pickEnrollLink(texts: string[]): EnrollLink {
  const candidates = texts.filter((t) => t.trim().startsWith('pushkey://'));
  if (candidates.length === 0) throw new PushkeyError('not_found', NO_QR);
  return parseEnrollUri(candidates[0]!);
}

export async function dataUrlToBlob(dataUrl: string): Promise<Blob> {
  return (await fetch(dataUrl)).blob();
}
