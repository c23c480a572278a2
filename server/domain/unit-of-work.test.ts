// A unit of work holds back what leaves the process until its writes are committed: a push or
// an alert about a write that was rolled back would tell a device or a webhook of something
// that never happened.
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../storage/sqlite/open.ts';
import { buildDeps } from '../wiring.ts';
import type { BusEvent } from './authenticator/push-bus.ts';
import type { Alert } from './types.ts';
import { atomically } from './unit-of-work.ts';

async function setup() {
  const published: BusEvent[] = [];
  const alerted: Alert[] = [];
  const d = await buildDeps({ repo: openSqlite({ filename: ':memory:' }), origin: 'https://pushkey.test', alertSink: (a) => void alerted.push(a) });
  d.bus.subscribe((e) => void published.push(e));
  return { d, published, alerted };
}

const alert = (id: string): Alert => ({ id, at: 1, kind: 'report', userId: 'u', detail: 'd' });

describe('atomically', () => {
  it('publishes and alerts only once the writes are committed, in the order they were made', async () => {
    const { d, published, alerted } = await setup();
    await atomically(d, async (tx) => {
      await tx.repo.setSetting('k', 'v');
      tx.bus.publish({ type: 'revoked', deviceId: 'one' });
      await atomically(tx, async (inner) => {
        inner.alertSink({ ...alert('a1'), upn: 'u@x' });
        inner.bus.publish({ type: 'revoked', deviceId: 'two' });
      });
      expect(published).toEqual([]);
      expect(alerted).toEqual([]);
    });
    expect(published).toEqual([
      { type: 'revoked', deviceId: 'one' },
      { type: 'revoked', deviceId: 'two' },
    ]);
    expect(alerted).toHaveLength(1);
    expect(await d.repo.getSetting('k')).toBe('v');
  });

  it('drops them with the writes when the unit fails', async () => {
    const { d, published, alerted } = await setup();
    await expect(
      atomically(d, async (tx) => {
        await tx.repo.appendAlert(alert('a2'));
        tx.alertSink({ ...alert('a2'), upn: 'u@x' });
        tx.bus.publish({ type: 'revoked', deviceId: 'one' });
        throw new Error('fails after the writes');
      }),
    ).rejects.toThrow('fails after the writes');
    expect(published).toEqual([]);
    expect(alerted).toEqual([]);
    expect(await d.repo.listAlerts({ limit: 5 })).toEqual([]);
  });
});
