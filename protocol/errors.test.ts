import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERRORS, PushkeyError, isErrorCode, toErrorBody } from './errors.ts';

describe('error codes', () => {
  it('are unique snake_case words', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('recognises exactly the listed codes', () => {
    for (const code of ERROR_CODES) expect(isErrorCode(code)).toBe(true);
    for (const value of ['', 'BAD_REQUEST', 'teapot', 'toString', '__proto__', 42, null, undefined]) expect(isErrorCode(value)).toBe(false);
  });
});

describe('what each error code means', () => {
  it('has exactly one entry per code', () => {
    expect(Object.keys(ERRORS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('leaves a request open exactly when the answer may be sent again, as it was or once the app lock is opened', () => {
    const afterUnlock = ['app_lock_required', 'app_lock_wrong'];
    for (const code of ERROR_CODES) expect(ERRORS[code].final === null, code).toBe(ERRORS[code].retryable || afterUnlock.includes(code));
  });

  it('retries only what the server did not get to decide', () => {
    expect(ERROR_CODES.filter((code) => ERRORS[code].retryable).sort()).toEqual(['rate_limited', 'unavailable']);
  });

  it('gives people whole sentences', () => {
    for (const code of ERROR_CODES) {
      const words = ERRORS[code].words;
      if (words !== null) expect(words, code).toMatch(/^[A-Z].*\.$/);
    }
  });
});

describe('PushkeyError', () => {
  it('is an Error with a code, a message for people and optional details', () => {
    const err = new PushkeyError('client_update_required', 'Update required', { minClientVersion: '1.2.0' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('PushkeyError');
    expect(err.code).toBe('client_update_required');
    expect(err.message).toBe('Update required');
    expect(err.details).toEqual({ minClientVersion: '1.2.0' });
  });

  it('becomes the wire body { error, message } with details only when there are some', () => {
    expect(toErrorBody(new PushkeyError('conflict', 'Already enabled'))).toEqual({ error: 'conflict', message: 'Already enabled' });
    expect(Object.keys(toErrorBody(new PushkeyError('conflict', 'x')))).toEqual(['error', 'message']);
    expect(toErrorBody(new PushkeyError('locked_out', 'Later', { lockedUntil: 5 }))).toEqual({ error: 'locked_out', message: 'Later', details: { lockedUntil: 5 } });
  });

  it('never puts a stack trace in the body', () => {
    expect(JSON.stringify(toErrorBody(new PushkeyError('internal', 'Something went wrong')))).not.toContain('at ');
  });
});
