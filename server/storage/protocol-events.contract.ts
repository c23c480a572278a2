// The Repository contract for sign-ins' protocol traces, run on SQLite and PostgreSQL: events
// round-trip byte for byte (the signed text must verify when it is read back), come back in
// the order they happened (rows of the same millisecond in insertion order), only the
// sign-in's own, commit or roll back with the unit of work they were written in, and go
// with the sign-in log at the retention cutoff.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '../domain/types.ts';
import { useRepositoryWithUser, type RepositoryHarness } from './repository.contract.ts';
import type { Repository } from './repository.ts';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
let seq = 0;
const id = (tag: string) => `${tag}${(++seq).toString(36)}`.padEnd(22, '_').slice(0, 22);

const makeEvent = (flowId: string, over: Partial<ProtocolEvent> = {}): ProtocolEvent => ({
  id: id('e'),
  flowId,
  challengeId: 'c'.repeat(22),
  at: T0,
  kind: 'push',
  deviceId: 'd'.repeat(22),
  via: null,
  // The exact text matters: a signature covers it. Non-ASCII, escapes and a long line.
  payload: JSON.stringify({ type: 'request', v: 2, signed: '{"app":"Zoë’s “Grafana” 📈","context":{"ip":"203.0.113.7"},"x":"\\u0000\\n"}', pad: 'p'.repeat(4000) }),
  ...over,
});

export function describeProtocolEventsContract(name: string, makeHarness: () => RepositoryHarness): void {
  describe(`Repository contract, protocol traces: ${name}`, () => {
    const ctx = useRepositoryWithUser(makeHarness);
    let repo: Repository;
    beforeEach(() => {
      ({ repo } = ctx);
    });

    it("reads a sign-in's events back exactly, in the order they happened, and no other sign-in's", async () => {
      const flow = id('f');
      const push = makeEvent(flow, { at: T0 + 5 });
      // Same millisecond: insertion order decides.
      const delivery = makeEvent(flow, { at: T0 + 5, kind: 'delivery', via: 'channel', payload: null });
      const poll = makeEvent(flow, { at: T0 + 7, kind: 'delivery', via: 'poll' });
      const answer = makeEvent(flow, { at: T0 + 9, kind: 'answer', payload: '{"type":"response","number":"42"}' });
      const earlier = makeEvent(flow, { at: T0 + 1 });
      for (const e of [push, delivery, poll, answer, earlier]) await repo.appendProtocolEvent(e);
      await repo.appendProtocolEvent(makeEvent(id('f')));
      expect(await repo.listProtocolEvents(flow)).toEqual([earlier, push, delivery, poll, answer]);
      expect(await repo.listProtocolEvents(id('f'))).toEqual([]);
    });

    it('keeps an event written in a unit of work only when it commits', async () => {
      const flow = id('f');
      const kept = makeEvent(flow);
      await repo.atomically(async (tx) => tx.appendProtocolEvent(kept));
      await expect(
        repo.atomically(async (tx) => {
          await tx.appendProtocolEvent(makeEvent(flow, { at: T0 + 1 }));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await repo.listProtocolEvents(flow)).toEqual([kept]);
    });

    it('refuses a second event with the same id', async () => {
      const e = makeEvent(id('f'));
      await repo.appendProtocolEvent(e);
      await expect(repo.appendProtocolEvent(e)).rejects.toThrow();
    });

    it('purges the events older than the cutoff with the sign-in log, and keeps the newer ones', async () => {
      const flow = id('f');
      const old = makeEvent(flow, { at: T0 - 10 });
      const atCutoff = makeEvent(flow, { at: T0 });
      await repo.appendProtocolEvent(old);
      await repo.appendProtocolEvent(atCutoff);
      await repo.purge(T0, T0 + 1);
      expect(await repo.listProtocolEvents(flow)).toEqual([atCutoff]);
    });
  });
}
