// DESIGN.md's rights table, one test per row, then targets and exclusions.
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import {
  AuthenticatorPolicy,
  authenticatorRights,
  DEFAULT_AUTHENTICATOR_POLICY,
  DEFAULT_TAP_POLICY,
  isTargeted,
  targetingOf,
  mayAnswer,
  TapPolicy,
  type AuthenticatorPolicy as Policy,
} from './policy.ts';
import type { Device } from '../types.ts';

const policy = (over: Partial<Policy> = {}, target: Partial<Policy['target']> = {}): Policy => ({
  ...DEFAULT_AUTHENTICATOR_POLICY,
  ...over,
  target: { ...DEFAULT_AUTHENTICATOR_POLICY.target, ...target },
});
const user = (groups: string[] = [], disabled = false) => ({ groups, disabled });
const device = (over: Partial<Device> = {}): Device => ({
  id: 'd'.repeat(22),
  userId: 'u'.repeat(22),
  publicKey: 'B'.repeat(87),
  name: 'Device',
  clientVersion: '1.0.0',
  capabilities: ['number_match'],
  passwordless: false,
  createdAt: 0,
  lastUsedAt: null,
  revokedAt: null,
  lastCommandAt: 0,
  ...over,
});
const pushOnly = device();
const upgraded = device({ passwordless: true });

describe('the rights table', () => {
  it('mode Any: push MFA after a password, and passwordless once a device is upgraded', () => {
    expect(authenticatorRights(policy({ mode: 'any' }), user(), [pushOnly])).toEqual({ register: true, pushMfa: true, passwordless: false, upgradePasswordless: true });
    expect(authenticatorRights(policy({ mode: 'any' }), user(), [upgraded])).toEqual({ register: true, pushMfa: true, passwordless: true, upgradePasswordless: true });
  });

  it('mode Push: push MFA after a password, no passwordless (the link is not shown) even with an upgraded device', () => {
    expect(authenticatorRights(policy({ mode: 'push' }), user(), [upgraded])).toEqual({ register: true, pushMfa: true, passwordless: false, upgradePasswordless: false });
  });

  it('mode Passwordless: no push MFA, passwordless', () => {
    expect(authenticatorRights(policy({ mode: 'passwordless' }), user(), [upgraded])).toEqual({ register: true, pushMfa: false, passwordless: true, upgradePasswordless: true });
  });

  it('disabled: neither', () => {
    for (const mode of ['any', 'push', 'passwordless'] as const) {
      expect(authenticatorRights(policy({ mode, enabled: false }), user(), [upgraded])).toEqual({ register: false, pushMfa: false, passwordless: false, upgradePasswordless: false });
    }
  });

  it('not targeted: neither', () => {
    const p = policy({ mode: 'any' }, { allUsers: false, includeGroups: ['Pilot'] });
    expect(authenticatorRights(p, user(['Staff']), [upgraded])).toEqual({ register: false, pushMfa: false, passwordless: false, upgradePasswordless: false });
  });
});

describe('devices behind the rights', () => {
  it('gives nothing to push to without an active device', () => {
    expect(authenticatorRights(policy(), user(), [])).toMatchObject({ register: true, pushMfa: false, passwordless: false });
    const revoked = device({ passwordless: true, revokedAt: 1 });
    expect(authenticatorRights(policy(), user(), [revoked])).toMatchObject({ register: true, pushMfa: false, passwordless: false });
  });

  it('lets only an upgraded, active device answer a passwordless request, and never under mode Push', () => {
    expect(mayAnswer(policy(), upgraded, 'passwordless')).toBe(true);
    expect(mayAnswer(policy(), pushOnly, 'passwordless')).toBe(false);
    expect(mayAnswer(policy({ mode: 'push' }), upgraded, 'passwordless')).toBe(false);
    expect(mayAnswer(policy(), device({ passwordless: true, revokedAt: 5 }), 'passwordless')).toBe(false);
  });

  it('lets any active device answer push MFA, except under mode Passwordless', () => {
    expect(mayAnswer(policy(), pushOnly, 'mfa')).toBe(true);
    expect(mayAnswer(policy({ mode: 'push' }), pushOnly, 'mfa')).toBe(true);
    expect(mayAnswer(policy({ mode: 'passwordless' }), upgraded, 'mfa')).toBe(false);
    expect(mayAnswer(policy(), device({ revokedAt: 5 }), 'mfa')).toBe(false);
  });

  it('lets an active device answer its setup and test requests in every mode', () => {
    for (const mode of ['any', 'push', 'passwordless'] as const) {
      expect(mayAnswer(policy({ mode }), pushOnly, 'passwordless_setup')).toBe(true);
      expect(mayAnswer(policy({ mode }), pushOnly, 'test')).toBe(true);
    }
    expect(mayAnswer(policy(), device({ revokedAt: 5 }), 'test')).toBe(false);
  });
});

describe('targets and exclusions', () => {
  it('targets every enabled user when all users are targeted', () => {
    expect(isTargeted(policy(), user())).toBe(true);
    expect(isTargeted(policy(), user(['Anything']))).toBe(true);
  });

  it('targets only members of an included group otherwise', () => {
    const p = policy({}, { allUsers: false, includeGroups: ['Pilot', 'Ops'] });
    expect(isTargeted(p, user(['Ops']))).toBe(true);
    expect(isTargeted(p, user(['Staff']))).toBe(false);
    expect(isTargeted(p, user())).toBe(false);
  });

  it('lets an exclusion win over all users and over an inclusion', () => {
    expect(isTargeted(policy({}, { excludeGroups: ['Contractors'] }), user(['Staff', 'Contractors']))).toBe(false);
    expect(isTargeted(policy({}, { allUsers: false, includeGroups: ['Pilot'], excludeGroups: ['Pilot'] }), user(['Pilot']))).toBe(false);
  });

  it('matches group names exactly (no case folding, no prefixes)', () => {
    const p = policy({}, { allUsers: false, includeGroups: ['Pilot'] });
    expect(isTargeted(p, user(['pilot']))).toBe(false);
    expect(isTargeted(p, user(['Pilot2']))).toBe(false);
  });

  it('never targets a disabled user', () => {
    expect(isTargeted(policy(), user([], true))).toBe(false);
    expect(authenticatorRights(policy(), user([], true), [upgraded])).toMatchObject({ pushMfa: false, passwordless: false });
  });

  it('does not target an empty inclusion list', () => {
    expect(isTargeted(policy({}, { allUsers: false, includeGroups: [] }), user(['Pilot']))).toBe(false);
  });

  it('names the rule that decided, in the order they apply, for the what-if', () => {
    const pilot = policy({}, { allUsers: false, includeGroups: ['Ops', 'Pilot'], excludeGroups: ['Contractors'] });
    expect(targetingOf(policy({ enabled: false }), user([], true))).toEqual({ targeted: false, rule: 'policy_off', group: null });
    expect(targetingOf(pilot, user(['Contractors'], true))).toEqual({ targeted: false, rule: 'user_disabled', group: null });
    expect(targetingOf(pilot, user(['Pilot', 'Contractors']))).toEqual({ targeted: false, rule: 'excluded_group', group: 'Contractors' });
    expect(targetingOf(policy(), user(['Pilot']))).toEqual({ targeted: true, rule: 'all_users', group: null });
    expect(targetingOf(pilot, user(['Staff', 'Pilot']))).toEqual({ targeted: true, rule: 'included_group', group: 'Pilot' });
    expect(targetingOf(pilot, user(['Staff']))).toEqual({ targeted: false, rule: 'not_included', group: null });
  });
});

describe('policy schemas', () => {
  it('accepts the defaults', () => {
    expect(v.parse(AuthenticatorPolicy, DEFAULT_AUTHENTICATOR_POLICY)).toEqual(DEFAULT_AUTHENTICATOR_POLICY);
    expect(v.parse(TapPolicy, DEFAULT_TAP_POLICY)).toEqual(DEFAULT_TAP_POLICY);
  });

  it('defaults to Entra’s: enabled for all, mode Any, 2 digits, 90 s requests, 5 wrong numbers', () => {
    expect(DEFAULT_AUTHENTICATOR_POLICY).toMatchObject({ enabled: true, mode: 'any', numberLength: 2, requestLifetimeSeconds: 90, maxNumberFailures: 5 });
  });

  it('keeps the number length within 2 to 8 digits', () => {
    for (const numberLength of [2, 6, 8]) expect(v.safeParse(AuthenticatorPolicy, { ...DEFAULT_AUTHENTICATOR_POLICY, numberLength }).success).toBe(true);
    for (const numberLength of [1, 9, 2.5]) expect(v.safeParse(AuthenticatorPolicy, { ...DEFAULT_AUTHENTICATOR_POLICY, numberLength }).success).toBe(false);
  });

  it('refuses an unknown mode and a minimum version that is not a.b.c', () => {
    expect(v.safeParse(AuthenticatorPolicy, { ...DEFAULT_AUTHENTICATOR_POLICY, mode: 'sms' }).success).toBe(false);
    expect(v.safeParse(AuthenticatorPolicy, { ...DEFAULT_AUTHENTICATOR_POLICY, minClientVersion: '1.0' }).success).toBe(false);
  });

  it('refuses a TAP default lifetime outside its bounds', () => {
    expect(v.safeParse(TapPolicy, { ...DEFAULT_TAP_POLICY, defaultLifetimeMinutes: DEFAULT_TAP_POLICY.maxLifetimeMinutes + 1 }).success).toBe(false);
    expect(v.safeParse(TapPolicy, { ...DEFAULT_TAP_POLICY, minLifetimeMinutes: 60, defaultLifetimeMinutes: 30 }).success).toBe(false);
  });
});
