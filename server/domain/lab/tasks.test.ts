import { describe, expect, it } from 'vitest';
import type { AuditEntry, SignInEntry } from '../types.ts';
import { enablesFor, progressOf, type ClassFacts, type StudentFacts } from './tasks.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0);
const audit = (e: Partial<AuditEntry> & Pick<AuditEntry, 'action'>): AuditEntry => ({
  id: `a${Math.random()}`, at: T0 + 1000, actorId: 'u1', actorUpn: 'student01@pushkey.test', targetType: 'device', targetId: 'dev1', before: null, after: null, ip: '', correlationId: null, ...e,
});
const signIn = (e: Partial<SignInEntry>): SignInEntry => ({
  id: `s${Math.random()}`, at: T0 + 2000, userId: 'u1', upn: 'student01@pushkey.test', app: 'pushkey My Account', ip: '', location: '', browser: '', os: '',
  result: 'success', expiresAt: T0 + 900_000, failureCode: null, reason: null, requirement: 'multifactor', methods: ['password'], steps: [], ...e,
});
const lab: ClassFacts = { instructorId: 'i1', instructorUpn: 'instructor@pushkey.test', group: 'Lab', policyChanges: [], labCreatedAt: T0 };
const student = (s: Partial<StudentFacts>): StudentFacts => ({ userId: 'u1', upn: 'student01@pushkey.test', since: T0, deviceIds: new Set(['dev1']), audit: [], signIns: [], ...s });
const done = (cells: ReturnType<typeof progressOf>) => cells.filter((c) => c.done).map((c) => c.task);

describe('the lab tasks', () => {
  it('count the policy only when the instructor turned it on for the lab group', () => {
    const on = { enabled: true, target: { allUsers: false, includeGroups: ['Lab'], excludeGroups: [] } };
    expect(enablesFor(on, 'Lab')).toBe(true);
    expect(enablesFor({ ...on, target: { ...on.target, excludeGroups: ['Lab'] } }, 'Lab')).toBe(false);
    expect(enablesFor({ ...on, enabled: false }, 'Lab')).toBe(false);
    const byOther = audit({ action: 'policy.authenticator.updated', actorId: 'admin', after: on });
    expect(done(progressOf({ ...lab, policyChanges: [byOther] }, student({})))).toEqual([]);
    expect(done(progressOf({ ...lab, policyChanges: [{ ...byOther, actorId: 'i1' }] }, student({})))).toEqual(['policy_enabled']);
  });

  it("count only the student's own devices", () => {
    const cells = progressOf(lab, student({ audit: [audit({ action: 'device.registered', targetId: 'someone-elses' })] }));
    expect(done(cells)).toEqual([]);
    expect(done(progressOf(lab, student({ audit: [audit({ action: 'device.registered' })] })))).toEqual(['authenticator_added']);
  });

  it('read the phases and the bites from the sign-in log', () => {
    const cells = progressOf(lab, student({
      signIns: [
        signIn({ methods: ['passwordless'] }),
        signIn({ result: 'failure', failureCode: 'number_mismatch', methods: ['password', 'authenticator'] }),
        signIn({ result: 'failure', failureCode: 'reported', methods: ['passwordless'] }),
        // A failed passwordless attempt is not the sign-in the phase asks for.
        signIn({ result: 'failure', failureCode: 'denied', methods: ['passwordless'] }),
      ],
    }));
    expect(done(cells)).toEqual(['passwordless_signin', 'wrong_number', 'reported']);
    expect(cells.find((c) => c.task === 'passwordless_signin')!.evidence).toHaveLength(1);
  });

  it('ask for both halves of a recovery: a sign-in with a pass and the old device revoked', () => {
    const tap = signIn({ methods: ['tap'], at: T0 + 5000 });
    const revoked = audit({ action: 'device.revoked', actorId: 'i1', actorUpn: 'instructor@pushkey.test', at: T0 + 9000 });
    expect(done(progressOf(lab, student({ signIns: [tap] })))).toEqual([]);
    expect(done(progressOf(lab, student({ audit: [revoked] })))).toEqual([]);
    const both = progressOf(lab, student({ signIns: [tap], audit: [revoked] })).find((c) => c.task === 'tap_recovery')!;
    expect(both).toMatchObject({ done: true, at: T0 + 9000 });
    expect(both.evidence.map((e) => e.log)).toEqual(['signins', 'audit']);
  });

  it('count a manual code when the enrollment used an activation whose code was shown as text', () => {
    const shown = audit({ action: 'activation.code_shown', targetType: 'activation', targetId: 'act1', correlationId: 'act1' });
    const scanned = audit({ action: 'device.registered', correlationId: 'act2' });
    expect(done(progressOf(lab, student({ audit: [shown, scanned] })))).toEqual(['authenticator_added']);
    expect(done(progressOf(lab, student({ audit: [shown, { ...scanned, correlationId: 'act1' }] })))).toEqual(['authenticator_added', 'manual_code']);
  });

  it('link each cell to its log, filtered from the student\'s start', () => {
    const cells = progressOf(lab, student({ since: T0 + 500 }));
    expect(cells.find((c) => c.task === 'passwordless_signin')!.link).toEqual({ log: 'signins', query: { from: String(T0 + 500), upn: 'student01@pushkey.test', method: 'passwordless', result: 'success' } });
  });
});
