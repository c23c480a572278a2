// Which of the lab's tasks a student has done, decided from the real logs alone: the audit
// log (who changed what) and the sign-in log (each attempt's methods and how it ended). Pure:
// board.ts reads the logs, this decides. Each task names the entries that satisfied it.
import { activityName, type AuditAction } from '../../../protocol/audit-actions.ts';
import { LAB_TASKS, type LabCell, type LabEvidence, type LabTaskId } from '../../../protocol/http/lab.ts';
import type { AuditEntry, SignInEntry } from '../types.ts';

export interface ClassFacts {
  instructorId: string;
  instructorUpn: string;
  group: string;
  /** Changes of the Authenticator policy since the lab was set up. */
  policyChanges: readonly AuditEntry[];
  labCreatedAt: number;
}

export interface StudentFacts {
  userId: string;
  upn: string;
  /** Events before this (the lab's start, or the student's last reset) do not count. */
  since: number;
  /** The student's authenticators, revoked ones too: device events name the device, not the user. */
  deviceIds: ReadonlySet<string>;
  /** Audit entries since `since`, of anyone (the instructor revokes a student's device). */
  audit: readonly AuditEntry[];
  /** The student's sign-in attempts since `since`. */
  signIns: readonly SignInEntry[];
}

const fromAudit = (e: AuditEntry): LabEvidence => ({ log: 'audit', id: e.id, at: e.at, text: `${activityName(e.action)} (by ${e.actorUpn})` });
const fromSignIn = (e: SignInEntry, what: string): LabEvidence => ({ log: 'signins', id: e.id, at: e.at, text: `Sign-in: ${what}` });

/** Whether a policy state (an audit entry's `after`) has the Authenticator method on for the lab's group. */
export function enablesFor(after: unknown, group: string): boolean {
  if (typeof after !== 'object' || after === null) return false;
  const p = after as { enabled?: unknown; target?: { allUsers?: unknown; includeGroups?: unknown; excludeGroups?: unknown } };
  if (p.enabled !== true || !p.target) return false;
  const has = (list: unknown) => Array.isArray(list) && list.includes(group);
  return !has(p.target.excludeGroups) && (p.target.allUsers === true || has(p.target.includeGroups));
}

const hadStep = (e: SignInEntry, code: string, detail: string) => e.failureCode === code || e.steps.some((s) => s.detail === code || s.detail === detail);

/** Every task's cell for one student, in LAB_TASKS' order. */
export function progressOf(c: ClassFacts, s: StudentFacts): LabCell[] {
  const deviceEvents = (action: AuditAction) => s.audit.filter((e) => e.action === action && s.deviceIds.has(e.targetId));
  const signIns = (pick: (e: SignInEntry) => boolean, what: string) => s.signIns.filter(pick).map((e) => fromSignIn(e, what));
  const from = String(s.since);
  const auditLink = (query: Record<string, string>) => ({ log: 'audit' as const, query: { from, ...query } });
  const signInLink = (query: Record<string, string>) => ({ log: 'signins' as const, query: { from, upn: s.upn, ...query } });

  const registered = deviceEvents('device.registered');
  const shown = new Set(s.audit.filter((e) => e.action === 'activation.code_shown' && e.actorId === s.userId).map((e) => e.correlationId));
  const typed = registered.filter((e) => e.correlationId && shown.has(e.correlationId));
  const tapSignIns = signIns((e) => e.result === 'success' && e.methods.includes('tap'), 'Temporary Access Pass');
  const revoked = deviceEvents('device.revoked').map(fromAudit);

  const rules: Record<LabTaskId, { evidence: LabEvidence[]; done?: boolean; link: LabCell['link'] }> = {
    policy_enabled: {
      evidence: c.policyChanges.filter((e) => e.actorId === c.instructorId && e.at >= c.labCreatedAt && enablesFor(e.after, c.group)).map(fromAudit),
      link: { log: 'audit', query: { from: String(c.labCreatedAt), action: 'policy.authenticator.updated', actor: c.instructorUpn } },
    },
    authenticator_added: { evidence: registered.map(fromAudit), link: auditLink({ action: 'device.registered', actor: s.upn }) },
    passwordless_enabled: { evidence: deviceEvents('device.passwordless_enabled').map(fromAudit), link: auditLink({ action: 'device.passwordless_enabled', actor: s.upn }) },
    passwordless_signin: {
      evidence: signIns((e) => e.result === 'success' && e.methods.includes('passwordless'), 'passwordless, signed in'),
      link: signInLink({ method: 'passwordless', result: 'success' }),
    },
    passwordless_disabled: { evidence: deviceEvents('device.passwordless_disabled').map(fromAudit), link: auditLink({ action: 'device.passwordless_disabled', actor: s.upn }) },
    wrong_number: { evidence: signIns((e) => hadStep(e, 'number_mismatch', 'wrong number'), 'wrong number'), link: signInLink({ result: 'failure' }) },
    reported: { evidence: signIns((e) => hadStep(e, 'reported', 'reported'), '"No, it\'s not me"'), link: signInLink({ result: 'failure' }) },
    // Both halves of recovering a lost device: in with a pass, and the old authenticator gone.
    tap_recovery: { evidence: [...tapSignIns, ...revoked], done: tapSignIns.length > 0 && revoked.length > 0, link: signInLink({ method: 'tap' }) },
    manual_code: { evidence: typed.map(fromAudit), link: auditLink({ actor: s.upn }) },
  };
  return LAB_TASKS.map(({ id }) => {
    const rule = rules[id];
    const evidence = [...rule.evidence].sort((a, b) => a.at - b.at);
    const done = rule.done ?? evidence.length > 0;
    return { task: id, done, at: done ? doneAt(id, evidence) : null, evidence, link: rule.link };
  });
}

/** When a task was done: its first event, or for the two-part recovery the later of the two parts' first events. */
function doneAt(id: LabTaskId, evidence: LabEvidence[]): number {
  if (id !== 'tap_recovery') return evidence[0]!.at;
  const first = (log: LabEvidence['log']) => evidence.find((e) => e.log === log)!.at;
  return Math.max(first('signins'), first('audit'));
}
