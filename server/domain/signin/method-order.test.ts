import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { orderSecondFactors, orderSignInMethods } from './method-order.ts';
import { maskNumber, PhoneNumber, SmsCodeInput } from '../methods/sms.ts';

describe('method order', () => {
  const all = ['password', 'sms', 'passwordless', 'passkey', 'tap'] as const;

  it('follows TAP > passkey > authenticator > SMS > password without a default', () => {
    expect(orderSignInMethods([...all], null)).toEqual(['tap', 'passkey', 'passwordless', 'sms', 'password']);
  });

  it('puts the user’s default right after a usable TAP', () => {
    expect(orderSignInMethods([...all], 'sms')).toEqual(['tap', 'sms', 'passkey', 'passwordless', 'password']);
    expect(orderSignInMethods([...all], 'authenticator')).toEqual(['tap', 'passwordless', 'passkey', 'sms', 'password']);
    expect(orderSignInMethods([...all], 'password')).toEqual(['tap', 'password', 'passkey', 'passwordless', 'sms']);
  });

  it('ignores a default the user does not have', () => {
    expect(orderSignInMethods(['password', 'sms'], 'passkey')).toEqual(['sms', 'password']);
  });

  it('orders second factors passkey > authenticator > SMS, the default first', () => {
    expect(orderSecondFactors(['sms', 'authenticator', 'passkey'], null)).toEqual(['passkey', 'authenticator', 'sms']);
    expect(orderSecondFactors(['sms', 'authenticator', 'passkey'], 'sms')).toEqual(['sms', 'passkey', 'authenticator']);
    expect(orderSecondFactors(['authenticator'], 'passkey')).toEqual(['authenticator']);
  });
});

describe('phone numbers and SMS codes', () => {
  it('accepts E.164 as people type it, and nothing else', () => {
    expect(v.parse(PhoneNumber, '+1 (555) 123-4567')).toBe('+15551234567');
    expect(v.parse(PhoneNumber, '+44.7700.900123')).toBe('+447700900123');
    for (const bad of ['15551234567', '+0 555 123 4567', '+1234567', '+1234567890123456', '+1 555 CALL ME', '', '+']) expect(v.is(PhoneNumber, bad), bad).toBe(false);
  });

  it('masks all but the last two digits', () => {
    expect(maskNumber('+15551234567')).toBe('+•••••••••67');
  });

  it('takes 6 to 8 digits, trimmed', () => {
    expect(v.parse(SmsCodeInput, ' 012345 ')).toBe('012345');
    for (const bad of ['12345', '123456789', '12 3456', '１２３４５６']) expect(v.is(SmsCodeInput, bad), bad).toBe(false);
  });
});
