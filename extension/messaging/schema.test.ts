// The shapes pages and the worker exchange: a call is known by its type and its arguments
// are checked before any handler runs.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { Broadcast, CALLS, CallType, Envelope } from './schema.ts';

describe('extension messages', () => {
  it('knows every call by its type and nothing else', () => {
    expect(v.safeParse(CallType, { type: 'listAccounts' }).success).toBe(true);
    expect(v.safeParse(CallType, { type: 'exportKey' }).success).toBe(false);
    expect(v.safeParse(CallType, { type: 'requestsChanged' }).success).toBe(false);
  });

  it('checks the arguments of a call', () => {
    expect(v.safeParse(CALLS.answerRequest.args, { type: 'answerRequest', key: 'k', decision: 'approve', number: '42' }).success).toBe(true);
    expect(v.safeParse(CALLS.answerRequest.args, { type: 'answerRequest', key: 'k', decision: 'maybe', number: '42' }).success).toBe(false);
    expect(v.safeParse(CALLS.removeAccount.args, { type: 'removeAccount' }).success).toBe(false);
  });

  it('carries a reply or an error with a known code', () => {
    expect(v.safeParse(Envelope, { ok: true, value: [] }).success).toBe(true);
    expect(v.safeParse(Envelope, { ok: false, error: { code: 'number_mismatch', message: 'no' } }).success).toBe(true);
    expect(v.safeParse(Envelope, { ok: false, error: { code: 'oops', message: 'no' } }).success).toBe(false);
  });

  it('tells broadcasts apart from calls', () => {
    expect(v.safeParse(Broadcast, { type: 'accountsChanged' }).success).toBe(true);
    expect(v.safeParse(Broadcast, { type: 'listAccounts' }).success).toBe(false);
  });
});
