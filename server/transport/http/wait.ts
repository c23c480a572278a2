// Long polling. The watch starts before the status is read, so that an answer that lands
// between the read and the wait (on PostgreSQL the NOTIFY can arrive while the read's
// result is on its way) is seen, not slept through until the poll times out.
//
// One subscription per bus serves every waiting browser: each change is stamped with a
// sequence number in one map and wakes only the polls waiting for that challenge, so an event
// costs the same with ten thousand browsers waiting as with one (a subscription per poll would
// make every push and every answer visit every waiting browser).
import type { PushBus } from '../../domain/authenticator/push-bus.ts';

export interface ChallengeWatch {
  /** Resolves when the challenge changed since the watch started (at once if it already had), on a resync, on abort, or after `ms`. */
  wait(challengeId: string, ms: number): Promise<void>;
  stop(): void;
}

interface Watcher {
  /** Changes stamped after this count: since the watch started, then since its last wait began. */
  since: number;
  wake: (() => void) | null;
}

interface Watches {
  /** The sequence number of the last change heard. */
  seq: number;
  /** When each challenge last changed, kept while a watch that started before may still ask. */
  changedAt: Map<string, number>;
  resyncAt: number;
  active: Set<Watcher>;
  waiting: Map<string, Set<Watcher>>;
}

/** How many changes between two prunings of changedAt. */
const PRUNE_EVERY = 1024;
const watchesOf = new WeakMap<PushBus, Watches>();

function watchesFor(bus: PushBus): Watches {
  const known = watchesOf.get(bus);
  if (known) return known;
  const watches: Watches = { seq: 0, changedAt: new Map(), resyncAt: -1, active: new Set(), waiting: new Map() };
  bus.subscribe((e) => {
    if (e.type === 'resync') {
      watches.resyncAt = ++watches.seq;
      for (const set of [...watches.waiting.values()]) for (const x of [...set]) x.wake?.();
    } else if (e.type === 'challenge') {
      // Nobody watching: nobody can ask about this change later.
      if (watches.active.size === 0) return;
      watches.changedAt.set(e.challengeId, ++watches.seq);
      for (const x of [...(watches.waiting.get(e.challengeId) ?? [])]) x.wake?.();
      if (watches.seq % PRUNE_EVERY === 0) prune(watches);
    }
  });
  watchesOf.set(bus, watches);
  return watches;
}

/** Forgets the changes that every active watch started after. */
function prune(w: Watches): void {
  let oldest = Infinity;
  for (const x of w.active) oldest = Math.min(oldest, x.since);
  for (const [id, at] of w.changedAt) if (at <= oldest) w.changedAt.delete(id);
}

export function watchChallenges(bus: PushBus, signal: AbortSignal): ChallengeWatch {
  const w = watchesFor(bus);
  const me: Watcher = { since: w.seq, wake: null };
  w.active.add(me);
  const changed = (challengeId: string) => w.resyncAt > me.since || (w.changedAt.get(challengeId) ?? -1) > me.since;
  return {
    wait(challengeId, ms) {
      if (changed(challengeId) || signal.aborted) return Promise.resolve();
      me.since = w.seq;
      return new Promise((resolve) => {
        const set = w.waiting.get(challengeId) ?? new Set<Watcher>();
        w.waiting.set(challengeId, set);
        set.add(me);
        const wake = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', wake);
          set.delete(me);
          if (set.size === 0 && w.waiting.get(challengeId) === set) w.waiting.delete(challengeId);
          me.wake = null;
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, ms));
        signal.addEventListener('abort', wake);
        me.wake = wake;
      });
    },
    stop() {
      me.wake?.();
      w.active.delete(me);
      if (w.active.size === 0) w.changedAt.clear();
    },
  };
}
