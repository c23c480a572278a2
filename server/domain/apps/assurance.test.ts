import { describe, expect, it } from 'vitest';
import { ACR, assuranceOf, meetsAcr, requiredAcr } from './assurance.ts';

describe('assuranceOf: RFC 8176 amr and the acr level, from the methods a session recorded', () => {
  it.each([
    [['password'], ['pwd'], ACR.sfa],
    [['password', 'authenticator'], ['mfa', 'pwd', 'swk', 'user'], ACR.mfa],
    // Without its app lock the push alone is one factor, whatever Entra calls it; with it, possession and knowledge.
    [['passwordless'], ['swk', 'user'], ACR.sfa],
    [['passwordless', 'app_lock'], ['mfa', 'pin', 'swk', 'user'], ACR.mfa],
    [['password', 'authenticator', 'app_lock'], ['mfa', 'pin', 'pwd', 'swk', 'user'], ACR.mfa],
    [['tap'], ['otp'], ACR.sfa],
    [['sms'], ['sms'], ACR.sfa],
    [['password', 'sms'], ['mfa', 'pwd', 'sms'], ACR.mfa],
    [['passkey'], ['pop'], ACR.sfa],
    [['passkey', 'passkey_uv'], ['mfa', 'pop', 'user'], ACR.phr],
    [['password', 'passkey'], ['mfa', 'pop', 'pwd'], ACR.phr],
  ])('%j → amr %j, acr %s', (methods, amr, acr) => {
    expect(assuranceOf(methods)).toEqual({ amr, acr });
  });

  it('never claims hwk (no attestation proves where a passkey key lives), nor mfa from two methods of one factor', () => {
    expect(assuranceOf(['passkey', 'passkey_uv', 'password']).amr).not.toContain('hwk');
    expect(assuranceOf(['tap', 'password']).amr).not.toContain('mfa');
  });

  it('meets a requested level with it or any above it, and an unknown value with anything', () => {
    expect(meetsAcr(ACR.mfa, [ACR.sfa])).toBe(true);
    expect(meetsAcr(ACR.sfa, [ACR.mfa])).toBe(false);
    expect(meetsAcr(ACR.mfa, [ACR.phr])).toBe(false);
    expect(meetsAcr(ACR.mfa, [ACR.phr, ACR.mfa])).toBe(true);
    expect(meetsAcr(ACR.sfa, ['urn:other:gold'])).toBe(true);
    expect(requiredAcr([ACR.phr, ACR.mfa])).toBe(ACR.mfa);
    expect(requiredAcr([])).toBeNull();
  });
});
