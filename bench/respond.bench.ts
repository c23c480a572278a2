// The whole answer path through the real HTTP server: a device's signed response is
// parsed, verified, consumed atomically and settled. Baseline: SQLite synchronous=FULL
// (durable against power loss); the default NORMAL in WAL mode is the comparison.
import { createChallenge } from '../server/domain/authenticator/challenges.ts';
import { ManualClock, signIn, startServer } from '../tests/support/server.ts';
import { SoftDevice } from '../tests/support/soft-device.ts';
import { durationMs, measure, printTable } from './lib.ts';

const CONCURRENCY = 16;

async function approveLoop(synchronous: 'FULL' | 'NORMAL') {
  // Every batch starts past the push throttle's window (a minute), so that it never refuses one.
  const clock = new ManualClock();
  const srv = await startServer({ clock, sqliteSynchronous: synchronous, policy: { requestLifetimeSeconds: 600 }, monitoring: { throttleOutstanding: CONCURRENCY, throttlePerWindow: CONCURRENCY, throttleWindowMinutes: 1 } });
  const alice = srv.users.alice!;
  const me = await signIn(srv.origin, alice.upn, alice.password);
  const device = await SoftDevice.enroll(srv.origin, (await me.post('/api/me/authenticator/activation')).body.code);
  const user = (await srv.repo.getUserByUpn(alice.upn))!;
  const one = async () => {
    const c = await createChallenge(srv.deps, user, 'test', { app: 'bench', ip: '127.0.0.1', location: '', browser: '' }, { deviceId: device.deviceId });
    const res = await device.respond({ challengeId: c.id, nonce: c.nonce }, 'approve', c.number);
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  };
  const row = await measure({ name: `create + approve over HTTP, synchronous=${synchronous}`, batch: CONCURRENCY, run: () => (clock.advance(61_000), Promise.all(Array.from({ length: CONCURRENCY }, one))) }, durationMs);
  await srv.close();
  return row;
}

export async function run(): Promise<void> {
  const rows = [await approveLoop('FULL'), await approveLoop('NORMAL')];
  printTable(`Request answered end to end (${CONCURRENCY} in flight)`, rows, 'create + approve over HTTP, synchronous=FULL');
}
