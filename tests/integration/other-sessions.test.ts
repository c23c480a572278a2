// After a change of sign-in methods, My Account offers to end the user's other sessions:
// accepted, every other session stops at its next request and the audit log says who did it;
// "Keep them" answers the offer and ends nothing. Idle and expired sessions are not counted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../server/domain/deps.ts';
import { enrollUser, upgradeToPasswordless, type EnrolledUser } from '../support/flows.ts';
import { ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

describe('other sessions after a change of sign-in methods', () => {
  let srv: TestServer;
  let clock: ManualClock;
  const devices: EnrolledUser[] = [];
  beforeEach(async () => {
    clock = new ManualClock();
    srv = await startServer({ clock });
  });
  afterEach(async () => {
    for (const u of devices.splice(0)) u.device.close();
    await srv.close();
  });

  it('offers nothing before a change, then ends every other session when accepted, audited', async () => {
    const alice = srv.users.alice!;
    const elsewhere = await signIn(srv.origin, alice.upn, alice.password);
    const here = await signIn(srv.origin, alice.upn, alice.password);
    expect((await here.get('/api/me/sessions/others')).body).toEqual({ others: 1, offer: false, changedAt: null });

    // Adding the app from "here" is a change of methods.
    const changedAt = clock.now();
    devices.push(await enrollUser(srv, 'alice', { me: here }));
    expect((await here.get('/api/me/sessions/others')).body).toEqual({ others: 1, offer: true, changedAt });
    // The other session sees the offer too (it may be the user's own second browser).
    expect((await elsewhere.get('/api/me/sessions/others')).body).toMatchObject({ others: 1, offer: true });

    expect((await here.post('/api/me/sessions/others/end')).body).toEqual({ status: 'signed_out', sessionsEnded: 1 });
    expect(await elsewhere.get('/api/me')).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await here.get('/api/me/sessions/others')).body).toEqual({ others: 0, offer: false, changedAt: null });
    const user = (await srv.repo.getUserByUpn(alice.upn))!;
    const [entry] = await srv.repo.listAudit({ action: 'user.other_sessions_ended', limit: 5 });
    expect(entry).toMatchObject({ actorId: user.id, actorUpn: alice.upn, targetType: 'user', targetId: user.id, after: { sessionsEnded: 1 } });
  });

  it('"Keep them" answers the offer and ends nothing; the next change offers again', async () => {
    const alice = srv.users.alice!;
    const elsewhere = await signIn(srv.origin, alice.upn, alice.password);
    const u = await enrollUser(srv, 'alice');
    devices.push(u);
    expect((await u.me.get('/api/me/sessions/others')).body).toMatchObject({ others: 1, offer: true });
    expect((await u.me.post('/api/me/sessions/others/keep')).body).toEqual({ status: 'kept' });
    expect((await u.me.get('/api/me/sessions/others')).body).toMatchObject({ others: 1, offer: false });
    expect((await elsewhere.get('/api/me')).status).toBe(200);
    // Passwordless turned on (in the extension) is a change too.
    await upgradeToPasswordless(u);
    expect((await u.me.get('/api/me/sessions/others')).body).toMatchObject({ others: 1, offer: true });
    expect((await srv.repo.listAudit({ action: 'user.other_sessions_ended', limit: 5 }))).toEqual([]);
  });

  it('counts only sessions that would still be let in, and offers nothing with none', async () => {
    const alice = srv.users.alice!;
    await signIn(srv.origin, alice.upn, alice.password);
    clock.advance(DEFAULT_LIMITS.sessionIdleMs);
    const u = await enrollUser(srv, 'alice');
    devices.push(u);
    // The first session has been idle for the whole idle timeout: it is over, nothing to offer.
    expect((await u.me.get('/api/me/sessions/others')).body).toMatchObject({ others: 0, offer: false });
  });
});
