// What a sign-in attempt tried, as people read it: the methods that got the person in are
// the entry's `methods` (the server lists only those that succeeded); every method tried is
// read from the steps, with how it ended. A step still pending in an attempt that has ended
// (a push nobody answered while the person signed in with an SMS code) did not get an
// answer: it no longer reads "waiting".
import type { SignInEntry } from './api.ts';

/** `continued`: a step a later step of its method took over (a code sent, then accepted; a request sent again). */
export type Outcome = 'success' | 'failure' | 'pending' | 'unanswered' | 'continued';

export interface MethodAttempt {
  method: string;
  outcome: Outcome;
  /** What its last step said, e.g. "wrong number", "request sent". */
  detail: string;
}

/** How step `i` ended: pending only while it is its method's last step and the attempt goes on. */
export function stepOutcome(e: SignInEntry, i: number): Outcome {
  const s = e.steps[i]!;
  if (s.result !== 'pending') return s.result;
  if (e.steps.slice(i + 1).some((t) => t.method === s.method)) return 'continued';
  return e.result === 'in_progress' ? 'pending' : 'unanswered';
}

/** Each method tried, in the order first tried, with how its last step ended; once a method succeeded, it stays succeeded. */
export function attemptsOf(e: SignInEntry): MethodAttempt[] {
  const byMethod = new Map<string, MethodAttempt>();
  e.steps.forEach((s, i) => {
    if (byMethod.get(s.method)?.outcome === 'success') return;
    byMethod.set(s.method, { method: s.method, outcome: stepOutcome(e, i), detail: s.detail });
  });
  return [...byMethod.values()];
}

/** The methods tried that did not get the person in (failed, unanswered, or still going). */
export const triedWithoutSuccess = (e: SignInEntry): string[] =>
  attemptsOf(e)
    .filter((a) => a.outcome !== 'success' && !e.methods.includes(a.method))
    .map((a) => a.method);
