// The browser's long poll of its sign-in (GET /api/signin/status?wait=1) hears the answer
// even when it lands between the poll's read of the request and the start of its wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAuthenticatorPolicy, setAuthenticatorPolicy } from '../../server/domain/policies/policy.ts';
import type { PushBus } from '../../server/domain/authenticator/push-bus.ts';
import type { Repository } from '../../server/storage/repository.ts';
import { openSqlite } from '../../server/storage/sqlite/open.ts';
import { enrollUser, startPasswordless, upgradeToPasswordless, type Served } from '../support/flows.ts';
import { startCluster } from '../support/postgres.ts';
import { ManualClock, demoUsers, startServer } from '../support/server.ts';

/** Runs once, right after the next read of a pending request returns and before its reader goes on. */
let inTheGap: (() => Promise<void>) | null = null;

const withGap = (repo: Repository): Repository =>
  new Proxy(repo, {
    get(target, key, receiver) {
      if (key !== 'getChallenge') return Reflect.get(target, key, receiver) as unknown;
      return async (id: string) => {
        const c = await target.getChallenge(id);
        const gap = inTheGap;
        if (gap && c?.status === 'pending') {
          inTheGap = null;
          await gap();
        }
        return c;
      };
    },
  });

// Requests that outlive the test: only the answer can end the poll before it times out (25 s).
const ENGINES: Array<[string, () => Promise<{ srv: Served; bus: PushBus; close: () => Promise<void> }>]> = [
  ['SQLite', async () => {
    const srv = await startServer({ policy: { requestLifetimeSeconds: 600 }, openRepository: (opts) => withGap(openSqlite(opts)) });
    return { srv, bus: srv.deps.bus, close: () => srv.close() };
  }],
  ['PostgreSQL (the answer arrives by NOTIFY)', async () => {
    const clock = new ManualClock();
    const cluster = await startCluster({ name: 'longpoll', count: 1, clock, wrapRepository: withGap });
    const repo = cluster.instances[0]!.deps.repo;
    await setAuthenticatorPolicy(repo, { ...(await getAuthenticatorPolicy(repo)), requestLifetimeSeconds: 600 });
    return { srv: { origin: cluster.origin, users: demoUsers(), clock }, bus: cluster.instances[0]!.deps.bus, close: () => cluster.close() };
  }],
];

describe.each(ENGINES)('the sign-in status long poll on %s', (_, start) => {
  let srv: Served;
  let bus: PushBus;
  let close: () => Promise<void>;
  beforeAll(async () => ({ srv, bus, close } = await start()));
  afterAll(() => close());

  it('answers signed_in when the approval lands after the poll read the request as pending', async () => {
    const alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
    const flow = await startPasswordless(srv, alice.upn);
    const push = await alice.device.nextPush();
    let answered = false;
    inTheGap = async () => {
      // The answer is committed and its event has reached this instance (on PostgreSQL by
      // NOTIFY) before the poll goes on from its read.
      const heard = new Promise<void>((resolve) => {
        const stop = bus.subscribe((e) => {
          if (e.type === 'challenge' && e.challengeId === push.challengeId) resolve(stop());
        });
      });
      const res = await alice.device.respond(push, 'approve', flow.number);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await heard;
      answered = true;
    };
    // Before the watch started ahead of the read, this poll slept the full 25 s and the test timed out.
    const poll = await flow.browser.get(`/api/signin/status?flowId=${flow.flowId}&wait=1`);
    expect(answered).toBe(true);
    expect(poll.body).toEqual({ status: 'signed_in' });
    alice.device.close();
  }, 15_000);
});
