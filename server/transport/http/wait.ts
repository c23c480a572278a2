// Long polling. The watch starts before the status is read, so that an answer that lands
// between the read and the wait (on PostgreSQL the NOTIFY can arrive while the read's
// result is on its way) is seen, not slept through until the poll times out.
import type { PushBus } from '../../domain/authenticator/push-bus.ts';

export interface ChallengeWatch {
  /** Resolves when the challenge changed since the watch started (at once if it already had), on a resync, on abort, or after `ms`. */
  wait(challengeId: string, ms: number): Promise<void>;
  stop(): void;
}

export function watchChallenges(bus: PushBus, signal: AbortSignal): ChallengeWatch {
  // Every challenge that changed since the watch started, until the one awaited is known.
  const changed = new Set<string>();
  let resynced = false;
  let awaited: { challengeId: string; wake: () => void } | null = null;
  const unsubscribe = bus.subscribe((e) => {
    if (e.type === 'resync') resynced = true;
    else if (e.type === 'challenge') changed.add(e.challengeId);
    else return;
    if (awaited && (resynced || changed.has(awaited.challengeId))) awaited.wake();
  });
  return {
    wait(challengeId, ms) {
      if (resynced || changed.has(challengeId) || signal.aborted) return Promise.resolve();
      changed.clear();
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', wake);
          awaited = null;
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, ms));
        signal.addEventListener('abort', wake);
        awaited = { challengeId, wake };
      });
    },
    stop: unsubscribe,
  };
}
