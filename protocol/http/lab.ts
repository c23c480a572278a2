// The classroom lab: its status (every page's banner), the instructor's board of students ×
// tasks, and the lab clock. The board and the clock answer lab_mode_off outside lab mode.
import * as v from 'valibot';
import { route } from './route.ts';
import { Time } from './values.ts';

/** The guide's five phases, then the five things that bite, as the board's columns. */
export const LAB_TASKS = [
  { id: 'policy_enabled', part: 'phase', label: 'Policy enabled', hint: 'The instructor turned the Authenticator policy on for the class' },
  { id: 'authenticator_added', part: 'phase', label: 'Authenticator added', hint: 'The student added the extension in My Account' },
  { id: 'passwordless_enabled', part: 'phase', label: 'Passwordless set up', hint: 'Set up passwordless sign-in in the extension' },
  { id: 'passwordless_signin', part: 'phase', label: 'Passwordless sign-in', hint: '"Use an app instead": signed in without a password' },
  { id: 'passwordless_disabled', part: 'phase', label: 'Passwordless disabled', hint: 'Turned passwordless off again in the extension' },
  { id: 'wrong_number', part: 'bite', label: 'Wrong number tried', hint: 'Typed a number that was not on the screen' },
  { id: 'reported', part: 'bite', label: '"No, it\'s not me"', hint: 'Reported a request as not theirs' },
  { id: 'tap_recovery', part: 'bite', label: 'TAP and old device revoked', hint: 'Signed in with a Temporary Access Pass, and the lost device was revoked' },
  { id: 'manual_code', part: 'bite', label: 'Manual code used', hint: 'Added the authenticator with "Can\'t scan image?"' },
] as const;
export type LabTaskId = (typeof LAB_TASKS)[number]['id'];
export const LabTaskId = v.picklist(LAB_TASKS.map((t) => t.id) as [LabTaskId, ...LabTaskId[]]);

/** One log entry that counted toward a task. */
export const LabEvidence = v.object({
  log: v.picklist(['audit', 'signins']),
  id: v.string(),
  at: Time,
  /** What it was, in words ("Authenticator added", "Sign-in: wrong number"). */
  text: v.string(),
});
export type LabEvidence = v.InferOutput<typeof LabEvidence>;

export const LabCell = v.object({
  task: LabTaskId,
  done: v.boolean(),
  /** When it was done (the last event it needed). */
  at: v.nullable(Time),
  evidence: v.array(LabEvidence),
  /** Where the portal shows these events: a log and its filter. */
  link: v.object({ log: v.picklist(['audit', 'signins']), query: v.record(v.string(), v.string()) }),
});
export type LabCell = v.InferOutput<typeof LabCell>;

export const LabStudent = v.object({
  userId: v.string(),
  upn: v.string(),
  displayName: v.string(),
  /** Since when the board counts this student's events: the lab's start or the student's last reset. */
  since: Time,
  /** One per task, in LAB_TASKS' order. */
  cells: v.array(LabCell),
});
export type LabStudent = v.InferOutput<typeof LabStudent>;

export const LabBoard = v.object({
  group: v.string(),
  instructorUpn: v.string(),
  students: v.array(LabStudent),
  clockOffsetMs: v.number(),
  /** The lab clock's time the board was read at. */
  at: Time,
});
export type LabBoard = v.InferOutput<typeof LabBoard>;

export const LabStatus = v.object({
  /** Lab mode: the instructor's board and the lab clock exist. */
  enabled: v.boolean(),
  /** How far the lab clock runs ahead of the wall clock (0 outside lab mode). */
  clockOffsetMs: v.number(),
});
export type LabStatus = v.InferOutput<typeof LabStatus>;

/** 30 days at most in one step: the longest Temporary Access Pass Entra allows, and the default log retention. */
export const FastForward = v.object({ minutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(43_200)) });

const INSTRUCTOR = ['policy_admin', 'helpdesk'] as const;

export const labRoutes = {
  status: route({
    method: 'GET', path: '/api/lab', summary: 'Whether this server is a classroom lab, and how far its clock was moved forward.', subject: 'lab',
    access: 'public', answer: LabStatus,
  }),
  board: route({
    method: 'GET', path: '/api/admin/lab/board', summary: 'The instructor\'s board: each student\'s progress through the lab\'s tasks, from the logs (lab mode only).',
    subject: 'lab board', access: INSTRUCTOR, answer: LabBoard,
  }),
  fastForward: route({
    method: 'POST', path: '/api/admin/lab/clock', summary: 'Moves the lab clock forward (lab mode only); audited.', subject: 'lab clock',
    access: INSTRUCTOR, body: FastForward, answer: LabStatus,
  }),
};

/** "+2 h 30 min", "+1 d 4 h", "+0 min": the lab clock's offset as the banner shows it. */
export function formatLabOffset(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', mins || (!days && !hours) ? `${mins} min` : ''].filter(Boolean);
  return `+${parts.join(' ')}`;
}
