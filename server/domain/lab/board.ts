// The instructor's board: each student's row of tasks, read from the logs since the student's
// start (the lab's creation or their last reset), and the lab clock's offset.
import type { LabBoard } from '../../../protocol/http/lab.ts';
import type { Caller } from '../admin/caller.ts';
import type { Deps } from '../deps.ts';
import { requireInstructor } from './lab.ts';
import { progressOf, type ClassFacts } from './tasks.ts';

/** More than a class of 500 makes in a lab's hour; the board reads the newest this many. */
const AUDIT_WINDOW = 20_000;
const SIGN_INS_PER_STUDENT = 500;

export async function labBoard(d: Deps, c: Pick<Caller, 'user'>): Promise<LabBoard> {
  const lab = await requireInstructor(d, c);
  const instructor = await d.repo.getUser(lab.instructorId);
  const earliest = Math.min(lab.createdAt, ...lab.students.map((s) => s.since));
  const [audit, policyChanges] = await Promise.all([
    d.repo.listAudit({ from: earliest, limit: AUDIT_WINDOW }),
    d.repo.listAudit({ from: lab.createdAt, action: 'policy.authenticator.updated', limit: 1000 }),
  ]);
  const facts: ClassFacts = { instructorId: lab.instructorId, instructorUpn: instructor?.upn ?? '', group: lab.group, policyChanges, labCreatedAt: lab.createdAt };
  const students = await Promise.all(
    lab.students.map(async (s) => {
      const user = await d.repo.getUser(s.userId);
      if (!user) return null;
      const [devices, signIns] = await Promise.all([d.repo.listUserDevices(user.id), d.repo.listSignIns({ userId: user.id, from: s.since, limit: SIGN_INS_PER_STUDENT })]);
      const cells = progressOf(facts, {
        userId: user.id,
        upn: user.upn,
        since: s.since,
        deviceIds: new Set(devices.map((x) => x.id)),
        audit: audit.filter((e) => e.at >= s.since),
        signIns,
      });
      return { userId: user.id, upn: user.upn, displayName: user.displayName, since: s.since, cells };
    }),
  );
  return {
    group: lab.group,
    instructorUpn: facts.instructorUpn,
    students: students.filter((s) => s !== null),
    clockOffsetMs: d.lab?.clock.offsetMs ?? 0,
    at: d.clock.now(),
  };
}
