import { describe, expect, it } from 'vitest';
import type { PushBus } from '../../domain/authenticator/push-bus.ts';
import { inProcessBus } from '../push/in-process-bus.ts';
import { watchChallenges } from './wait.ts';

/** The in-process bus, counting its subscribers. */
function countingBus(): PushBus & { subscribers: () => number } {
  const bus = inProcessBus();
  let n = 0;
  return {
    ...bus,
    subscribe(handler) {
      n++;
      const off = bus.subscribe(handler);
      return () => {
        n--;
        off();
      };
    },
    subscribers: () => n,
  };
}

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  // Long enough for a resolved promise's callbacks, far shorter than any wait below.
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('long-poll watches', () => {
  it('returns at once for an answer that landed between the start of the watch and the wait', async () => {
    const bus = countingBus();
    const watch = watchChallenges(bus, new AbortController().signal);
    bus.publish({ type: 'challenge', challengeId: 'c1', status: 'approved' });
    expect(await settled(watch.wait('c1', 60_000))).toBe(true);
    watch.stop();
  });

  it('wakes the poll waiting for the challenge that changed, and no other', async () => {
    const bus = countingBus();
    const a = watchChallenges(bus, new AbortController().signal);
    const b = watchChallenges(bus, new AbortController().signal);
    const waitA = a.wait('ca', 60_000);
    const waitB = b.wait('cb', 60_000);
    bus.publish({ type: 'challenge', challengeId: 'cb', status: 'denied' });
    expect(await settled(waitB)).toBe(true);
    expect(await settled(waitA)).toBe(false);
    a.stop();
    expect(await settled(waitA)).toBe(true);
    b.stop();
  });

  it('serves a thousand waiting polls with one subscription to the bus, each woken by its own challenge', async () => {
    const bus = countingBus();
    const watches = Array.from({ length: 1000 }, () => watchChallenges(bus, new AbortController().signal));
    const waits = watches.map((w, i) => w.wait(`c${i}`, 60_000));
    expect(bus.subscribers()).toBe(1);
    bus.publish({ type: 'challenge', challengeId: 'c500', status: 'approved' });
    expect(await settled(waits[500]!)).toBe(true);
    expect(await settled(waits[499]!)).toBe(false);
    for (const w of watches) w.stop();
  });

  it('wakes every waiting poll on a resync, and a watch started before it returns at once', async () => {
    const bus = countingBus();
    const early = watchChallenges(bus, new AbortController().signal);
    const waiting = watchChallenges(bus, new AbortController().signal);
    const wait = waiting.wait('c1', 60_000);
    bus.publish({ type: 'resync' });
    expect(await settled(wait)).toBe(true);
    expect(await settled(early.wait('c2', 60_000))).toBe(true);
    early.stop();
    waiting.stop();
  });

  it('does not count a change heard before the watch started', async () => {
    const bus = countingBus();
    bus.publish({ type: 'challenge', challengeId: 'c1', status: 'approved' });
    const watch = watchChallenges(bus, new AbortController().signal);
    const first = watch.wait('c1', 60_000);
    expect(await settled(first)).toBe(false);
    bus.publish({ type: 'challenge', challengeId: 'c1', status: 'approved' });
    expect(await settled(first)).toBe(true);
    watch.stop();
  });

  it('ends the wait when the browser goes away', async () => {
    const bus = countingBus();
    const gone = new AbortController();
    const watch = watchChallenges(bus, gone.signal);
    const wait = watch.wait('c1', 60_000);
    gone.abort();
    expect(await settled(wait)).toBe(true);
    watch.stop();
  });
});
