// SMS and passkey ceremonies on PostgreSQL with two instances: a code sent by one instance
// is checked by the other, racing sends through both never pass the limit, and a passkey
// ceremony started on one is consumed once whichever instance the answers reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_LIMITS } from '../../server/domain/methods/sms.ts';
import { DEFAULT_SMS_POLICY, setSmsPolicy } from '../../server/domain/methods/method-policy.ts';
import { startCluster, type Cluster, type Instance } from '../support/postgres.ts';
import { demoPassword, demoUpn, HttpClient, ManualClock, signIn } from '../support/server.ts';

describe('PostgreSQL with two instances: SMS and passkey ceremonies', () => {
  const clock = new ManualClock();
  const instances: Instance[] = [];
  const codeOf = async (number: string) => /^(\d{6})/.exec((await instances[0]!.deps.repo.listOutbox({ channel: 'sms', to: number, limit: 1 }))[0]!.text)![1]!;
  /** A browser of instance `i` that typed the user name. */
  const startAt = async (i: number, name: string) => {
    const b = new HttpClient(instances[i]!.url);
    const start = await b.post('/api/signin/start', { username: demoUpn(name) });
    return { b, flowId: start.body.flowId as string };
  };

  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ name: 'methods', clock });
    instances.push(...cluster.instances);
    // SMS sign-in is off by default; these users have nothing stronger than the phone.
    await setSmsPolicy(instances[0]!.deps.repo, { ...DEFAULT_SMS_POLICY, useForSignIn: true });
  });
  afterAll(async () => cluster?.close());

  it('verifies on instance 2 the phone added on instance 1, and signs in with a code sent by one and checked by the other', async () => {
    const me1 = await signIn(instances[0]!.url, demoUpn('alice'), demoPassword('alice'));
    const add = await me1.post('/api/me/phone', { number: '+15551230001' });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    // The same session cookie, presented to the other instance.
    const me2 = new HttpClient(instances[1]!.url);
    me2.headers.cookie = `pk_session=${me1.cookie('pk_session')}`;
    expect((await me2.post('/api/me/phone/verify', { codeId: add.body.codeId, code: await codeOf('+15551230001') })).body).toMatchObject({ verified: true });

    const s = await startAt(1, 'alice');
    const sent = await s.b.post('/api/signin/sms/send', { flowId: s.flowId });
    const code = await codeOf('+15551230001');
    const at1 = new HttpClient(instances[0]!.url);
    at1.headers.cookie = `pk_flow=${s.b.cookie('pk_flow')}`;
    const answers = await Promise.all([
      at1.post('/api/signin/sms', { flowId: s.flowId, codeId: sent.body.codeId, code }),
      s.b.post('/api/signin/sms', { flowId: s.flowId, codeId: sent.body.codeId, code }),
    ]);
    expect(answers.filter((a) => a.body.status === 'signed_in')).toHaveLength(1);
  });

  it('never sends past the per-user limit when sends race through both instances', async () => {
    clock.advance(SMS_LIMITS.sendWindowMs);
    const flows = await Promise.all(Array.from({ length: 12 }, (_, i) => startAt(i % 2, 'alice')));
    const sent = await Promise.all(flows.map((f) => f.b.post('/api/signin/sms/send', { flowId: f.flowId })));
    expect(sent.filter((r) => r.status === 200)).toHaveLength(SMS_LIMITS.maxSendsPerUser);
    expect(sent.filter((r) => r.status === 429).every((r) => r.body.error === 'rate_limited')).toBe(true);
  });

  it('consumes a passkey ceremony once, whichever instance the answers reach', async () => {
    const s = await startAt(0, 'bob');
    const options = await s.b.post('/api/signin/passkey/options', { flowId: s.flowId });
    expect(options.status).toBe(200);
    const at2 = new HttpClient(instances[1]!.url);
    at2.headers.cookie = `pk_flow=${s.b.cookie('pk_flow')}`;
    const junk = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' }, clientExtensionResults: {} };
    const answers = await Promise.all([s.b, at2, s.b, at2].map((c) => c.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: options.body.ceremonyId, response: junk })));
    // One answer takes the ceremony (and is refused: no such passkey); every other finds it spent.
    expect(answers.map((a) => a.body.error).sort()).toEqual(['challenge_consumed', 'challenge_consumed', 'challenge_consumed', 'device_unknown']);
  });
});
