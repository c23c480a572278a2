// What "Enter code manually" accepts: the code and the server URL shown under "Can't scan
// image?", or the whole pushkey:// link pasted into the code field.
import { parseEnrollUri, readActivationCode } from '../../protocol/index.ts';
import { isLocalHost } from '../../protocol/fields.ts';
import { t } from '../ui/i18n.ts';

export interface ManualInput {
  origin: string;
  code: string;
  user?: string;
  tenant?: string;
}

/** Throws an Error whose message tells the person what to fix. */
export function readManualInput(code: string, url: string): ManualInput {
  const trimmed = code.trim();
  if (trimmed.startsWith('pushkey://')) return parseEnrollUri(trimmed);
  if (!trimmed) throw new Error(t('manualCodeMissing'));
  // Read before the URL: a typo is caught here, without spending a request on the server.
  const read = readActivationCode(trimmed);
  if ('problem' in read) throw new Error(t('manualCodeProblem', read.problem));
  let origin: string;
  try {
    const u = new URL(url.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
    origin = u.origin;
  } catch {
    throw new Error(t('manualUrlMissing'));
  }
  if (origin.startsWith('http:') && !isLocalHost(new URL(origin).hostname)) {
    throw new Error(t('manualUrlPlainHttp'));
  }
  return { origin, code: read.code };
}

/** The server the person has typed so far (link or URL), for the device name proposal; null while unknown. */
export function originTyped(code: string, url: string): string | null {
  const text = code.trim().startsWith('pushkey://') ? new URLSearchParams(code.trim().slice('pushkey://enroll?'.length)).get('origin') ?? '' : url.trim();
  return URL.canParse(text) ? new URL(text).origin : null;
}
