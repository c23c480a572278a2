// All-or-nothing domain operations. `atomically(d, fn)` runs `fn` with deps whose repository
// is one transaction (Repository.atomically): every write of the operation commits together,
// or none does. What leaves the process (pushes on the bus, alerts to the webhook) waits for
// the commit, so no device or webhook hears of a write that was rolled back.
//
// A sign-in step is one unit of work (one commit, not one per write). Some of its refusals
// are themselves records that must stay: a wrong number counted towards the lockout, a
// throttle's alert, the request a resend replaced. `recording` runs such a step: a refusal
// (PushkeyError) commits what the step wrote before it, and is thrown after the commit.
import { PushkeyError } from '../../protocol/errors.ts';
import type { Repository } from '../storage/repository.ts';
import type { BusEvent } from './authenticator/push-bus.ts';
import type { Deps } from './deps.ts';

/** Deps inside a unit of work, mapped to the effects it holds back until it commits. */
const held = new WeakMap<Deps, (() => void)[]>();

/**
 * Runs `fn` as one unit of work. `exclusive` names keys no other unit of work may hold at the
 * same time, on any instance. Inside a unit of work this joins it (and its commit).
 */
export async function atomically<T>(d: Deps, fn: (tx: Deps) => Promise<T>, opts?: { exclusive?: readonly string[] }): Promise<T> {
  const outer = held.get(d);
  if (outer) return d.repo.atomically((repo) => fn(within(d, repo, outer)), opts);
  const effects: (() => void)[] = [];
  const outcome = await d.repo.atomically(
    (repo) =>
      run(() =>
        fn(
          within(
          {
            ...d,
            bus: {
              publish: (e: BusEvent) => void effects.push(() => d.bus.publish(e)),
              subscribe: (handler) => d.bus.subscribe(handler),
              listening: () => d.bus.listening(),
              close: () => d.bus.close(),
            },
            alertSink: (a) => void effects.push(() => d.alertSink(a)),
          },
            repo,
            effects,
          ),
        ),
      ),
    opts,
  );
  for (const effect of effects) effect();
  if ('refused' in outcome) throw outcome.refused;
  return outcome.value;
}

/** A refusal whose unit of work commits before it is thrown (`recording`). */
class Recorded extends Error {
  constructor(readonly refusal: PushkeyError) {
    super(refusal.message);
  }
}

/** The outermost unit's `fn`: a recorded refusal ends it as a commit, to be thrown after. */
async function run<T>(fn: () => Promise<T>): Promise<{ value: T } | { refused: PushkeyError }> {
  try {
    return { value: await fn() };
  } catch (err) {
    if (err instanceof Recorded) return { refused: err.refusal };
    throw err;
  }
}

/**
 * `atomically` for a step whose refusals are records: when `fn` throws a PushkeyError, what
 * it wrote until then commits (with the unit of work it joined, if any) and the error is thrown
 * to the caller after the commit, as when each write committed on its own. Any other error
 * rolls everything back.
 */
export function recording<T>(d: Deps, fn: (tx: Deps) => Promise<T>, opts?: { exclusive?: readonly string[] }): Promise<T> {
  return atomically(
    d,
    async (tx) => {
      try {
        return await fn(tx);
      } catch (err) {
        throw err instanceof PushkeyError ? new Recorded(err) : err;
      }
    },
    opts,
  );
}

function within(d: Deps, repo: Repository, effects: (() => void)[]): Deps {
  const tx = { ...d, repo };
  held.set(tx, effects);
  return tx;
}
