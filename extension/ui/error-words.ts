// The words protocol/errors.ts gives each error code, in the person's language: messages.json
// has them as errorCode_<code>, the English the same as the table's (ui/i18n.test.ts).
import { ERRORS, type ErrorCode } from '../../protocol/errors.ts';
import { t, type MessageKey } from './i18n.ts';

/** The words for `code`, or null where the table has none (every code with words has its key: ui/i18n.test.ts). */
export const wordsFor = (code: ErrorCode): string | null => (ERRORS[code].words === null ? null : t(`errorCode_${code}` as MessageKey));
