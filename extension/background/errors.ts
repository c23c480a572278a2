// What a person reads when something fails: the words protocol/errors.ts gives each code;
// the message that came with the error is kept only where the table has nothing better.
import { ERRORS, PushkeyError } from '../../protocol/index.ts';
import { errorInfoOf, extensionVersion, type ErrorInfo } from '../messaging/index.ts';

export function toErrorInfo(err: unknown): ErrorInfo {
  const info = errorInfoOf(err);
  if (info.code === 'internal') console.error('pushkey:', err);
  // The server's own answer failed the key pinned at enrollment: re-adding would pin whatever key answers now.
  if (err instanceof PushkeyError && err.details?.pinnedKey) {
    return { code: info.code, message: "The server's answer was not signed with the key this browser pinned when the account was added. Do not remove and re-add the account: tell your administrator." };
  }
  // Name both versions: the one the organization needs and the one installed here.
  const needed = err instanceof PushkeyError ? err.details?.minClientVersion : undefined;
  if (info.code === 'client_update_required' && typeof needed === 'string') {
    return { code: info.code, message: `Your organization needs pushkey ${needed} or later; this browser has ${extensionVersion()}. Update the extension (restarting the browser installs a store update; one loaded from a folder needs a new build there), then sign in again.` };
  }
  const words = err instanceof PushkeyError ? ERRORS[err.code].words : null;
  return { code: info.code, message: words ?? info.message };
}
