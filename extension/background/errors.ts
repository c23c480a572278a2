// What a person reads when something fails: the words protocol/errors.ts gives each code, in
// the person's language (ui/error-words.ts); the message that came with the error is kept only
// where the table has nothing better.
import { PushkeyError } from '../../protocol/index.ts';
import { errorInfoOf, extensionVersion, type ErrorInfo } from '../messaging/index.ts';
import { t } from '../ui/i18n.ts';
import { wordsFor } from '../ui/error-words.ts';

export function toErrorInfo(err: unknown): ErrorInfo {
  const info = errorInfoOf(err);
  if (info.code === 'internal') console.error('pushkey:', err);
  // The server's own answer failed the key pinned at enrollment: re-adding would pin whatever key answers now.
  if (err instanceof PushkeyError && err.details?.pinnedKey) {
    return { code: info.code, message: t('errorPinnedKey') };
  }
  // Name both versions: the one the organization needs and the one installed here.
  const needed = err instanceof PushkeyError ? err.details?.minClientVersion : undefined;
  if (info.code === 'client_update_required' && typeof needed === 'string') {
    return { code: info.code, message: t('errorUpdateRequired', needed, extensionVersion()) };
  }
  const words = err instanceof PushkeyError ? wordsFor(err.code) : null;
  return { code: info.code, message: words ?? info.message };
}
