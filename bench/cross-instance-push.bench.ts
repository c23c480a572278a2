// A push across instances on PostgreSQL: two instances (each its own pool, LISTEN connection
// and device channel; the cluster of tests/support/postgres.ts) on a database of this run's own
// on the machine's server, created and dropped here. A device connected to B; instance A emits
// a push for it, and we time it until the device's socket has it: A's NOTIFY, B's LISTEN, B's
// channel. Emit is the end of createChallenge (the push signed and handed to A's bus); the
// whole createChallenge on A (its reads and the stored request, then the push) is printed
// beside it (BENCH_PUSHES / 5 of them, after the emits). Baseline, interleaved push by push with
// the emits: one pg client NOTIFYs, another LISTENs, on the same server, the payload a push's size.
import pg from 'pg';
import { buildPush, createChallenge, withdrawRequest } from '../server/domain/authenticator/challenges.ts';
import { newId } from '../server/domain/deps.ts';
import { getAuthenticatorPolicy } from '../server/domain/policies/policy.ts';
import type { Challenge } from '../server/domain/types.ts';
import { toB64u } from '../protocol/encoding.ts';
import { startCluster } from '../tests/support/postgres.ts';
import { ManualClock, demoPassword, signIn } from '../tests/support/server.ts';
import { SoftDevice } from '../tests/support/soft-device.ts';
import { ownDatabase } from './support/own-database.ts';
import { arrivals, median, percentile, printLatencies, verdict, type LatencyRow } from './lib.ts';

const PUSHES = Number(process.env.BENCH_PUSHES ?? 1000);
const WARMUP = 50;

export async function run(): Promise<void> {
  const db = await ownDatabase('push');
  const clock = new ManualClock();
  const cluster = await startCluster({ name: 'bench', clock, databaseUrl: db.url });
  const notifier = new pg.Client({ connectionString: db.url });
  const listener = new pg.Client({ connectionString: db.url });
  let device: SoftDevice | undefined;
  try {
    const [a, b] = [cluster.instances[0]!, cluster.instances[1]!];
    const upn = 'carol@pushkey.test';
    const me = await signIn(a.url, upn, demoPassword('carol'));
    const act = await me.post('/api/me/authenticator/activation');
    device = await SoftDevice.enroll(cluster.origin, act.body.code, { now: () => clock.now() });
    await device.connect(b.url);
    const user = (await a.deps.repo.getUserByUpn(upn))!;
    const dev = (await a.deps.repo.listUserDevices(user.id))[0]!;

    // When each request (or raw notification) came, by id.
    const { arrived, arrival } = arrivals();
    device.onFrame = (f) => {
      const at = performance.now();
      if (f.type === 'request') arrived(f.challengeId, at);
    };
    await Promise.all([notifier.connect(), listener.connect()]);
    await listener.query('LISTEN bench_raw');
    listener.on('notification', (m) => {
      const at = performance.now();
      arrived((JSON.parse(m.payload!) as { id: string }).id, at);
    });

    const emitOnA = async (): Promise<number> => {
      const d = a.deps;
      const policy = await getAuthenticatorPolicy(d.repo);
      const now = d.clock.now();
      const c: Challenge = {
        id: newId(d), userId: user.id, deviceId: null, kind: 'test', nonce: toB64u(d.random.bytes(16)), number: '42', app: 'bench', ip: '192.0.2.1', location: 'Bench',
        browser: 'Chrome 156 on Linux', createdAt: now, expiresAt: now + 600_000, status: 'pending', answeredAt: null, answeredBy: null, flowId: null, userVerified: false,
      };
      const t0 = performance.now();
      d.bus.publish({ type: 'push', deviceId: dev.id, request: buildPush(d, c, dev, policy) });
      return (await arrival(c.id)) - t0;
    };
    const createOnA = async (): Promise<number> => {
      // Past the push throttle's window (10 minutes), so that the test requests never run out of budget.
      clock.advance(11 * 60_000);
      const t0 = performance.now();
      const c = await createChallenge(a.deps, user, 'test', { app: 'bench', ip: '192.0.2.1', location: 'Bench', browser: 'Chrome 156 on Linux' });
      returned.push(performance.now() - t0);
      const at = await arrival(c.id);
      // Withdrawn, as My Account does when the person leaves the test: the outstanding-request throttle never bites.
      await withdrawRequest(a.deps, c);
      return at - t0;
    };
    const rawNotify = async (): Promise<number> => {
      const id = newId(a.deps);
      const came = arrival(id);
      const t0 = performance.now();
      await notifier.query('SELECT pg_notify($1, $2)', ['bench_raw', JSON.stringify({ id, body: 'x'.repeat(560) })]);
      return (await came) - t0;
    };

    const raw: number[] = [];
    /** How long createChallenge itself took on A: its reads and writes, before the push. */
    const returned: number[] = [];
    const emit: number[] = [];
    const created: number[] = [];
    for (let n = -WARMUP; n < PUSHES; n++) {
      const r = await rawNotify();
      const e = await emitOnA();
      if (n >= 0) {
        raw.push(r);
        emit.push(e);
      }
    }
    // Apart from the emits: createChallenge's garbage would otherwise be collected during them.
    for (let n = 0; n < PUSHES / 5; n++) created.push(await createOnA());
    const rows: LatencyRow[] = [
      { name: 'raw NOTIFY → LISTEN', samples: raw },
      { name: 'pushkey, push emitted on A → device on B', samples: emit },
      { name: 'pushkey, createChallenge on A → device on B', samples: created },
      { name: '  of which createChallenge on A returning', samples: returned },
    ];
    printLatencies('Cross-instance push on PostgreSQL', rows, rows[0]!.name, 2);
    const p99 = percentile(emit, 99);
    const base = percentile(raw, 99);
    verdict({
      row: 'cross-instance push p99',
      figure: `p99 ${p99.toFixed(2)} ms (p50 ${median(emit).toFixed(2)}; from createChallenge p99 ${percentile(created, 99).toFixed(2)})`,
      baseline: `raw NOTIFY → LISTEN p99 ${base.toFixed(2)} ms`,
      ratio: `${(p99 / base).toFixed(1)}× raw`,
      target: 'p99 ≤ 10 ms',
      met: p99 <= 10,
    });
  } finally {
    device?.close();
    await notifier.end().catch(() => {});
    await listener.end().catch(() => {});
    await cluster.close();
    await db.drop();
  }
}
