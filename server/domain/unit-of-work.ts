// All-or-nothing domain operations. `atomically(d, fn)` runs `fn` with deps whose repository
// is one transaction (Repository.atomically): every write of the operation commits together,
// or none does. What leaves the process (pushes on the bus, alerts to the webhook) waits for
// the commit, so no device or webhook hears of a write that was rolled back.
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
  const result = await d.repo.atomically(
    (repo) =>
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
    opts,
  );
  for (const run of effects) run();
  return result;
}

function within(d: Deps, repo: Repository, effects: (() => void)[]): Deps {
  const tx = { ...d, repo };
  held.set(tx, effects);
  return tx;
}
