// Moving the lab clock forward: the instructor shows a pass, a request or a lockout expiring
// without the class waiting for it. Only forward (time that went back would un-expire what the
// class saw expire), only in lab mode, and audited with the offset before and after.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { LabStatus } from '../../../protocol/http/lab.ts';
import type { Caller } from '../admin/caller.ts';
import { audit } from '../monitoring/audit.ts';
import type { Deps } from '../deps.ts';
import { atomically } from '../unit-of-work.ts';
import { MAX_LAB_OFFSET_MS } from './clock.ts';
import { readLab, requireInstructor, writeLab } from './lab.ts';

export function labStatus(d: Deps): LabStatus {
  return { enabled: d.lab !== undefined, clockOffsetMs: d.lab?.clock.offsetMs ?? 0 };
}

/**
 * Moves the clock `minutes` forward. Every session then ages by as much (students' idle ones
 * end, as they would have); the instructor's own is moved forward with the clock first, keeping
 * its cookie, so that moving the clock never signs them out, not even a request of theirs that
 * is under way with that cookie at the time.
 */
export async function fastForward(d: Deps, c: Caller, minutes: number): Promise<LabStatus> {
  const lab = await requireInstructor(d, c);
  const clock = d.lab!.clock;
  const before = lab.clockOffsetMs;
  const after = before + minutes * 60_000;
  if (after > MAX_LAB_OFFSET_MS) throw new PushkeyError('bad_request', `The lab clock runs at most ${MAX_LAB_OFFSET_MS / 86_400_000} days ahead; it is ${Math.floor(before / 60_000)} minutes ahead now.`);
  // The moved session, the new offset and the audit entry commit together, before the clock moves.
  await atomically(d, async (tx) => {
    await tx.repo.shiftSession(c.session.idHash, after - before);
    // Read again right before writing: the record changes when the lab command resets a student.
    await writeLab(tx.repo, { ...((await readLab(tx.repo)) ?? lab), clockOffsetMs: after });
    await audit(tx, c.actor, 'lab.clock_forwarded', { type: 'lab', id: lab.group }, { offsetMs: before }, { offsetMs: after, minutes });
  });
  clock.setOffset(after);
  return labStatus(d);
}
