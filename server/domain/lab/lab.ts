// The classroom lab's record: its group, its instructor, its students and since when each one's
// progress counts, and how far the lab clock runs ahead. One JSON setting, never a secret (the
// initial passwords stay with the lab command, in the data directory).
import * as v from 'valibot';
import { PushkeyError } from '../../../protocol/errors.ts';
import { hasRole, type Caller } from '../admin/caller.ts';
import type { Deps } from '../deps.ts';
import type { Repository } from '../../storage/repository.ts';

const LAB_SETTING = 'lab';

const LabRecord = v.object({
  createdAt: v.number(),
  group: v.string(),
  domain: v.string(),
  instructorId: v.string(),
  /** `since`: the lab's creation or the student's last reset; the board counts events from then. */
  students: v.array(v.object({ userId: v.string(), since: v.number() })),
  clockOffsetMs: v.number(),
});
export type LabRecord = v.InferOutput<typeof LabRecord>;

export async function readLab(repo: Repository): Promise<LabRecord | null> {
  const raw = await repo.getSetting(LAB_SETTING);
  if (!raw) return null;
  const parsed = v.safeParse(LabRecord, JSON.parse(raw));
  if (!parsed.success) throw new Error(`The lab setting does not parse: ${parsed.issues[0].message}`);
  return parsed.output;
}

export const writeLab = (repo: Repository, lab: LabRecord): Promise<void> => repo.setSetting(LAB_SETTING, JSON.stringify(lab));

/** The lab of a server in lab mode; lab_mode_off on any other, as if the lab's routes did not exist. */
export async function requireLab(d: Deps): Promise<LabRecord> {
  if (!d.lab) throw new PushkeyError('lab_mode_off', 'This server is not in lab mode (LAB_MODE, and npm run lab for its data directory).');
  const lab = await readLab(d.repo);
  if (!lab) throw new PushkeyError('lab_mode_off', 'No classroom lab was set up for this server: run npm run lab.');
  return lab;
}

/** The lab's instructor (or a global admin) may see the board and move the clock; other staff may not. */
export async function requireInstructor(d: Deps, c: Pick<Caller, 'user'>): Promise<LabRecord> {
  const lab = await requireLab(d);
  if (c.user.id !== lab.instructorId && !hasRole(c.user, 'global_admin')) throw new PushkeyError('forbidden', "Only the lab's instructor sees the board and moves the lab clock.");
  return lab;
}
