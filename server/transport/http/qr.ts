// QR encoding (the qrcode package), behind one function so it can be replaced in one place.
import QRCode from 'qrcode';

/** An SVG QR code with a quiet zone, medium error correction (survives a little blur). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, width: 240 });
}
