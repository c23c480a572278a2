// FULL on SQLite: nothing is acknowledged before the WAL holding it is flushed, commits made
// while a flush is under way share the next one, and a failed flush answers as a lost
// database does. The flush is held open by a gate here; the file, the WAL and SQLite are real.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeUser } from '../repository.contract.ts';
import { isDatabaseUnavailable } from '../unavailable.ts';
import { openSqlite } from './open.ts';

const root = mkdtempSync(path.join(tmpdir(), 'pushkey-durable-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Flushes that wait until the test lets them through (or fails them), each counted. */
function gatedFlush() {
  const waiting: { file: FileHandle; release: () => void; fail: (err: Error) => void }[] = [];
  let calls = 0;
  let open = false;
  const flush = (file: FileHandle) => {
    calls++;
    if (open) return file.datasync();
    return new Promise<void>((resolve, reject) => waiting.push({ file, release: () => void file.datasync().then(resolve, reject), fail: reject }));
  };
  return {
    flush,
    get calls() {
      return calls;
    },
    get waiting() {
      return waiting.length;
    },
    releaseAll() {
      for (const w of waiting.splice(0)) w.release();
    },
    failNext(err: Error) {
      waiting.shift()!.fail(err);
    },
    openGate() {
      open = true;
      this.releaseAll();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
/** A promise's state, readable at any time; `settled` resolves once it is done (whatever the flush's own pace). */
const track = <T,>(p: Promise<T>) => {
  const state = { done: false, value: undefined as T | undefined, error: undefined as unknown, settled: Promise.resolve() };
  state.settled = p.then(
    (v) => void Object.assign(state, { done: true, value: v }),
    (e: unknown) => void Object.assign(state, { done: true, error: e }),
  );
  return state;
};

describe('SQLite FULL: acknowledged only once flushed', () => {
  it('answers a write outside a transaction only after the flush that covers it', async () => {
    const gate = gatedFlush();
    const repo = openSqlite({ filename: path.join(root, `db-${++n}.sqlite`), synchronous: 'FULL', flush: gate.flush });
    const write = track(repo.createUser(makeUser()));
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    await settle();
    expect(write.done).toBe(false);
    gate.releaseAll();
    await write.settled;
    expect(write).toMatchObject({ done: true, error: undefined });
    gate.openGate();
    await repo.close();
  });

  it('answers a unit of work only after its commit is flushed, and a read that commits nothing at once', async () => {
    const gate = gatedFlush();
    const repo = openSqlite({ filename: path.join(root, `db-${++n}.sqlite`), synchronous: 'FULL', flush: gate.flush });
    const user = makeUser();
    const unit = track(repo.atomically(async (tx) => {
      await tx.createUser(user);
      await tx.setSetting('k', 'v');
      return 'done';
    }));
    await settle();
    expect(unit.done).toBe(false);
    const read = track(repo.getSetting('absent'));
    await read.settled;
    expect(read).toMatchObject({ done: true, value: null });
    expect(unit.done).toBe(false);
    gate.releaseAll();
    await unit.settled;
    expect(unit).toMatchObject({ done: true, value: 'done' });
    gate.openGate();
    await repo.close();
  });

  it('lets the commits made while a flush is under way share the next one (group commit)', async () => {
    const gate = gatedFlush();
    const repo = openSqlite({ filename: path.join(root, `db-${++n}.sqlite`), synchronous: 'FULL', flush: gate.flush });
    const first = track(repo.setSetting('first', '1'));
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    // Twenty units commit one after another on the one connection while the first flush is held.
    const units = Array.from({ length: 20 }, (_, i) => track(repo.atomically((tx) => tx.setSetting(`k${i}`, String(i)))));
    // All twenty committed (a read sees a commit before its flush), none answered.
    await vi.waitFor(async () => expect(await repo.getSetting('k19')).toBe('19'));
    expect(units.every((u) => !u.done)).toBe(true);
    expect(gate.calls).toBe(1);
    gate.releaseAll();
    await first.settled;
    // The first flush began before they committed, so it proves nothing for them: one more covers all twenty.
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    expect(gate.calls).toBe(2);
    expect(units.every((u) => !u.done)).toBe(true);
    gate.releaseAll();
    await Promise.all(units.map((u) => u.settled));
    expect(units.every((u) => u.error === undefined)).toBe(true);
    expect(gate.calls).toBe(2);
    gate.openGate();
    await repo.close();
  });

  it('answers a failed flush as a lost database (503), and flushes again for the next write', async () => {
    const gate = gatedFlush();
    const repo = openSqlite({ filename: path.join(root, `db-${++n}.sqlite`), synchronous: 'FULL', flush: gate.flush });
    const write = track(repo.setSetting('k', 'v'));
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    gate.failNext(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await write.settled;
    expect(write.error).toMatchObject({ code: 'SQLITE_IOERR_FSYNC' });
    expect(isDatabaseUnavailable(write.error)).toBe(true);
    gate.openGate();
    await expect(repo.setSetting('k2', 'v2')).resolves.toBeUndefined();
    expect(gate.calls).toBe(2);
    await repo.close();
  });

  it('answers a protocol trace written outside a unit of work without waiting, and the next commit\'s flush carries it', async () => {
    const gate = gatedFlush();
    const repo = openSqlite({ filename: path.join(root, `db-${++n}.sqlite`), synchronous: 'FULL', flush: gate.flush });
    const event = { id: 'e'.repeat(22), flowId: 'f'.repeat(22), challengeId: 'c'.repeat(22), at: 1, kind: 'delivery' as const, deviceId: 'd'.repeat(22), via: 'channel' as const, payload: null };
    await repo.appendProtocolEvent(event);
    expect(gate.calls).toBe(0);
    const write = track(repo.setSetting('k', 'v'));
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    expect(write.done).toBe(false);
    gate.openGate();
    await write.settled;
    expect(gate.calls).toBe(1);
    expect(await repo.listProtocolEvents(event.flowId)).toMatchObject([{ id: event.id }]);
    await repo.close();
  });

  it('never flushes under NORMAL', async () => {
    const gate = gatedFlush();
    const repo = openSqlite({ filename: path.join(root, `db-${++n}.sqlite`), synchronous: 'NORMAL', flush: gate.flush });
    await repo.createUser(makeUser());
    await repo.atomically((tx) => tx.setSetting('k', 'v'));
    expect(gate.calls).toBe(0);
    await repo.close();
  });

  it('keeps what it acknowledged with the real flush, across a reopen', async () => {
    const filename = path.join(root, `db-${++n}.sqlite`);
    const repo = openSqlite({ filename });
    const user = makeUser();
    await Promise.all([repo.createUser(user), ...Array.from({ length: 10 }, (_, i) => repo.atomically((tx) => tx.setSetting(`k${i}`, String(i))))]);
    await repo.close();
    const again = openSqlite({ filename });
    expect(await again.getUser(user.id)).toMatchObject({ upn: user.upn });
    expect(await again.getSetting('k9')).toBe('9');
    await again.close();
  });
});
