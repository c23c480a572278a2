import { describe, expect, it } from 'vitest';
import { waitingText } from './format.ts';

describe('waitingText', () => {
  it('calls a passwordless setup a setup request, not a sign-in request', () => {
    expect(waitingText([{ kind: 'passwordless_setup' }])).toBe('A passwordless setup request is waiting for you.');
    expect(waitingText([{ kind: 'mfa' }])).toBe('A sign-in request is waiting for you.');
    expect(waitingText([{ kind: 'mfa' }, { kind: 'passwordless' }])).toBe('2 sign-in requests are waiting for you.');
    expect(waitingText([{ kind: 'mfa' }, { kind: 'passwordless_setup' }])).toBe('2 requests are waiting for you.');
  });
});
