// The push throttle under concurrency: 30 passwordless sign-ins for one user started at once
// (through both instances on PostgreSQL) let exactly the throttle's limit of pushes through
// to the device, refuse the rest with rate_limited, and raise one alert for the burst.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MONITORING_POLICY } from '../../server/domain/monitoring/monitoring.ts';
import { DEFAULT_AUTHENTICATOR_POLICY } from '../../server/domain/policies/policy.ts';
import { ENGINES, startOn, type EngineServer } from '../support/engines.ts';
import { enrollUser, upgradeToPasswordless, type EnrolledUser } from '../support/flows.ts';
import { HttpClient, type ManualClock } from '../support/server.ts';

const PARALLEL = 30;
const LIMIT = DEFAULT_MONITORING_POLICY.throttleOutstanding;

describe.each(ENGINES)(`the push throttle under ${PARALLEL} parallel sign-ins on %s`, (engine) => {
  let srv: EngineServer;
  let alice: EnrolledUser;
  beforeAll(async () => {
    srv = await startOn(engine, { name: 'throttle', instances: 2, monitoring: DEFAULT_MONITORING_POLICY });
    alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
  });
  afterAll(async () => srv?.close());

  /** Starts PARALLEL passwordless sign-ins for alice at once, spread over the instances; answers how many got a number. */
  async function burst(): Promise<number> {
    const browsers = await Promise.all(
      Array.from({ length: PARALLEL }, async (_, i) => {
        const b = new HttpClient(srv.urls[i % srv.urls.length]!);
        const start = await b.post('/api/signin/start', { username: alice.upn });
        return { b, flowId: start.body.flowId as string };
      }),
    );
    const answers = await Promise.all(browsers.map(({ b, flowId }) => b.post('/api/signin/passwordless', { flowId })));
    expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 429 && a.body.error === 'rate_limited')).toBe(true);
    return answers.filter((a) => a.status === 200).length;
  }

  /** The sign-in pushes the device got: a test notification from every instance marks the end of what the burst published. */
  async function pushesReceived(): Promise<number> {
    const session = alice.me.cookie('pk_session');
    for (const url of srv.urls) {
      const me = new HttpClient(url);
      me.headers.cookie = `pk_session=${session}`;
      expect((await me.post('/api/me/authenticator/test', {})).status).toBe(200);
    }
    let pushes = 0;
    for (let marks = 0; marks < srv.urls.length; ) {
      if ((await alice.device.nextPush()).kind === 'test') marks++;
      else pushes++;
    }
    return pushes;
  }

  const alerts = async (kind: string) => srv.repo.listAlerts({ limit: 10, userId: (await srv.repo.getUserByUpn(alice.upn))!.id, kind });

  it(`delivers exactly ${LIMIT} pushes, refuses the rest with rate_limited, and alerts once`, async () => {
    expect(await burst()).toBe(LIMIT);
    expect(await pushesReceived()).toBe(LIMIT);
    const user = (await srv.repo.getUserByUpn(alice.upn))!;
    expect((await srv.repo.challengeStats(user.id, 0, srv.clock.now())).created).toBe(LIMIT);
    expect(await alerts('push_throttled')).toHaveLength(1);
  });

  it('raises push fatigue once when the burst follows unanswered requests', async () => {
    expect(DEFAULT_MONITORING_POLICY.fatigueCount).toBeLessThanOrEqual(LIMIT);
    // The first burst's requests expire unanswered: each start of the next burst sees fatigue.
    (srv.clock as ManualClock).advance(DEFAULT_AUTHENTICATOR_POLICY.requestLifetimeSeconds * 1000);
    expect(await alerts('push_fatigue')).toHaveLength(0);
    expect(await burst()).toBe(LIMIT);
    expect(await pushesReceived()).toBe(LIMIT);
    expect(await alerts('push_fatigue')).toHaveLength(1);
  });
});
