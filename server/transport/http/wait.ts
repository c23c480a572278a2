// Long polling: resolves when the bus says a challenge changed, or after `ms`.
import type { PushBus } from '../../domain/authenticator/push-bus.ts';

export function waitForChallenge(bus: PushBus, challengeId: string, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    const unsubscribe = bus.subscribe((e) => {
      if ((e.type === 'challenge' && e.challengeId === challengeId) || e.type === 'resync') done();
    });
    signal.addEventListener('abort', done);
  });
}
