// A repository that fails on demand: while `arm(method)` is in force, that one operation
// rejects, called directly or inside a unit of work, so a test can break an operation
// half-way through and look at what it left.
import type { Repository } from '../../server/storage/repository.ts';

export interface Faults {
  arm(method: keyof Repository): void;
  disarm(): void;
}

export function faultable<R extends Repository>(repo: R): { repo: R; faults: Faults } {
  const state: { method: keyof Repository | null } = { method: null };
  const wrap = <T extends Repository>(target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === state.method) return () => Promise.reject(new Error(`injected failure in ${String(prop)}`));
        if (prop === 'atomically') return (fn: (tx: Repository) => Promise<unknown>, opts?: { exclusive?: readonly string[] }) => t.atomically((tx) => fn(wrap(tx)), opts);
        return Reflect.get(t, prop, receiver) as unknown;
      },
    });
  return {
    repo: wrap(repo),
    faults: {
      arm: (method) => void (state.method = method),
      disarm: () => void (state.method = null),
    },
  };
}
