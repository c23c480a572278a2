// The HTTP status of each error code, read from protocol's one table of what a code means.
import { ERROR_CODES, ERRORS, type ErrorCode } from '../../../protocol/errors.ts';

export const HTTP_STATUS = Object.fromEntries(ERROR_CODES.map((code) => [code, ERRORS[code].status])) as Readonly<Record<ErrorCode, number>>;
