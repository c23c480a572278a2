// How an attempt's methods read: those used, and each one tried with how it ended.
import { describe, expect, it } from 'vitest';
import type { SignInEntry } from './api.ts';
import { attemptsOf, stepOutcome, triedWithoutSuccess } from './attempts.ts';

type SignInStep = SignInEntry['steps'][number];

const step = (method: string, result: SignInStep['result'], detail = ''): SignInStep => ({ method, result, detail, at: 0, durationMs: 0 });
const entry = (result: SignInEntry['result'], methods: string[], steps: SignInStep[]): SignInEntry => ({
  id: 'f',
  at: 0,
  expiresAt: 900_000,
  userId: 'u',
  upn: 'alice@example.test',
  app: 'App',
  ip: '',
  location: '',
  browser: '',
  os: '',
  result,
  failureCode: null,
  reason: null,
  requirement: 'none',
  methods,
  steps,
});

describe('sign-in attempts', () => {
  it('reads an SMS sign-in after an unanswered push as SMS used, the push tried and unanswered', () => {
    const e = entry('success', ['sms'], [step('passwordless', 'pending', 'request sent'), step('sms', 'pending', 'code sent'), step('sms', 'success', 'code accepted')]);
    expect(attemptsOf(e)).toEqual([
      { method: 'passwordless', outcome: 'unanswered', detail: 'request sent' },
      { method: 'sms', outcome: 'success', detail: 'code accepted' },
    ]);
    expect(triedWithoutSuccess(e)).toEqual(['passwordless']);
    expect(e.steps.map((_, i) => stepOutcome(e, i))).toEqual(['unanswered', 'continued', 'success']);
  });

  it('keeps a request waiting while the attempt is in progress', () => {
    const e = entry('in_progress', [], [step('passwordless', 'pending', 'request sent')]);
    expect(stepOutcome(e, 0)).toBe('pending');
    expect(triedWithoutSuccess(e)).toEqual(['passwordless']);
  });

  it('counts a method that failed then succeeded as succeeded, and a push MFA denied after the password as tried', () => {
    const retried = entry('success', ['password'], [step('password', 'failure', 'invalid_credentials'), step('password', 'success', 'password verified')]);
    expect(attemptsOf(retried)).toEqual([{ method: 'password', outcome: 'success', detail: 'password verified' }]);
    const denied = entry('failure', ['password'], [step('password', 'success'), step('authenticator', 'pending', 'request sent'), step('authenticator', 'failure', 'denied in the app')]);
    expect(triedWithoutSuccess(denied)).toEqual(['authenticator']);
    expect(attemptsOf(denied).map((a) => a.outcome)).toEqual(['success', 'failure']);
  });
});
