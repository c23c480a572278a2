// The commands of pushkey-authenticator besides listen's faults, each run as the real binary
// against the real server: enroll by URI and by code, accounts, passwordless setup (the three
// ways to give the number) and disable, the rules --approve-with and --report, playing another
// client with --client-version and --capabilities, and remove.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuthenticator, startAuthenticator } from '../support/authenticator.ts';
import { flowStatus, startPasswordless, startPasswordThenPush } from '../support/flows.ts';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { cryptoRandom } from '../../server/wiring.ts';
import type { Random } from '../../server/domain/deps.ts';

// Device commands are stamped with the child's wall clock, so the server runs on it too.
const wallClock = { now: () => Date.now() };
/** Every number a page shows is 42 (two digits, the policy's length), so a rule can name it before the request exists. */
const NUMBER = '42';
const fortyTwo: Random = { bytes: (n) => cryptoRandom.bytes(n), int: (min, max) => (min === 0 && max === 100 ? Number(NUMBER) : cryptoRandom.int(min, max)) };
const V1_CAPABILITIES = 'number_match,passwordless,report';

describe('pushkey-authenticator commands', () => {
  let srv: TestServer;
  let dir: string;
  const state = () => path.join(dir, 'state.json');
  const run = (args: string[], opts: { input?: string } = {}) => runAuthenticator([...args, '--state', state()], opts);
  const deviceOf = async (upn: string) => {
    const user = (await srv.repo.getUserByUpn(upn))!;
    return (await srv.repo.listUserDevices(user.id))[0]!;
  };
  const activation = async (name: string) => {
    const { upn, password } = srv.users[name]!;
    return (await (await signIn(srv.origin, upn, password)).post('/api/me/authenticator/activation')).body as { code: string; uri: string };
  };
  beforeAll(async () => {
    srv = await startServer({ clock: wallClock, random: fortyTwo });
    dir = mkdtempSync(path.join(tmpdir(), 'pushkey-devkit-'));
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls with the code and the server URL ("Can\'t scan image?")', async () => {
    const carol = srv.users.carol!;
    const r = await run(['enroll', '--code', (await activation('carol')).code, '--url', `${srv.origin}/myaccount`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual([{ event: 'enrolled', deviceId: (await deviceOf(carol.upn)).id, upn: carol.upn, tenant: 'pushkey Lab', origin: srv.origin, state: state() }]);
    expect((await deviceOf(carol.upn)).name).toBe('pushkey-authenticator');
  });

  it('enrolls from a pushkey:// URI into the same file, with --name, --client-version and --capabilities; accounts lists both', async () => {
    const dave = srv.users.dave!;
    const r = await run(['enroll', (await activation('dave')).uri, '--name', 'CI runner', '--client-version', '0.9.0', '--capabilities', V1_CAPABILITIES]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatchObject({ event: 'enrolled', upn: dave.upn, origin: srv.origin });
    expect(await deviceOf(dave.upn)).toMatchObject({ name: 'CI runner', clientVersion: '0.9.0', capabilities: V1_CAPABILITIES.split(',') });

    const listed = await run(['accounts']);
    expect(listed.lines.map((a) => [a.upn, a.deviceName, a.clientVersion])).toEqual([
      [srv.users.carol!.upn, 'pushkey-authenticator', '1.0.0'],
      [dave.upn, 'CI runner', '0.9.0'],
    ]);
    expect(JSON.parse(readFileSync(state(), 'utf8')).accounts).toHaveLength(2);
  });

  it('passwordless-setup --from-my-account reads the number My Account shows; then --approve-with answers a passwordless sign-in', async () => {
    const carol = srv.users.carol!;
    const setup = await run(['passwordless-setup', '--account', carol.upn, '--password', carol.password, '--from-my-account']);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.lines.find((l) => l.event === 'request')).toMatchObject({ kind: 'passwordless_setup', source: 'setup', upn: carol.upn });
    expect(setup.lines.find((l) => l.event === 'answer')).toMatchObject({ decision: 'approve', number: NUMBER, status: 200, outcome: 'approved' });
    expect((await deviceOf(carol.upn)).passwordless).toBe(true);

    const listen = startAuthenticator(['listen', '--state', state(), '--account', carol.upn, '--approve-with', NUMBER, '--count', '1']);
    try {
      await listen.waitFor((l) => l.event === 'ready');
      const flow = await startPasswordless(srv, carol.upn);
      expect(await listen.waitFor((l) => l.event === 'answer')).toMatchObject({ requestId: flow.challengeId, decision: 'approve', number: NUMBER, status: 200, outcome: 'approved' });
      expect(await listen.stop()).toBe(0);
      expect((await flowStatus(flow)).status).toBe('signed_in');
    } finally {
      await listen.stop();
    }
  });

  it('passwordless-disable turns it off again, and the device stays enrolled', async () => {
    const carol = srv.users.carol!;
    const r = await run(['passwordless-disable', '--account', carol.upn]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual([{ event: 'passwordless_disabled', deviceId: (await deviceOf(carol.upn)).id, upn: carol.upn, status: 200 }]);
    expect(await deviceOf(carol.upn)).toMatchObject({ passwordless: false, revokedAt: null });
  });

  it('passwordless-setup sends the number --number gives (a wrong one fails), and without it asks for the number', async () => {
    const carol = srv.users.carol!;
    const wrong = await run(['passwordless-setup', '--account', carol.upn, '--password', carol.password, '--number', '41']);
    expect(wrong.code).toBe(1);
    expect(wrong.lines.find((l) => l.event === 'answer')).toMatchObject({ number: '41', status: 422, error: 'number_mismatch' });
    expect((await deviceOf(carol.upn)).passwordless).toBe(false);

    const typed = await run(['passwordless-setup', '--account', carol.upn, '--password', carol.password], { input: `${NUMBER}\n` });
    expect(typed.code, typed.stderr).toBe(0);
    expect(typed.stderr).toContain('number shown in My Account: ');
    expect(typed.lines.find((l) => l.event === 'answer')).toMatchObject({ number: NUMBER, status: 200, outcome: 'approved' });
    expect((await deviceOf(carol.upn)).passwordless).toBe(true);
  });

  it('--report answers "No, it\'s not me": the request ends reported', async () => {
    const carol = srv.users.carol!;
    const listen = startAuthenticator(['listen', '--state', state(), '--account', carol.upn, '--report', '--count', '1']);
    try {
      await listen.waitFor((l) => l.event === 'ready');
      const flow = await startPasswordThenPush(srv, carol.upn, carol.password);
      expect(await listen.waitFor((l) => l.event === 'answer')).toMatchObject({ requestId: flow.challengeId, decision: 'report', status: 200, outcome: 'reported' });
      expect(await listen.stop()).toBe(0);
      expect((await flowStatus(flow)).status).toBe('reported');
      expect((await srv.repo.getChallenge(flow.challengeId))?.status).toBe('reported');
    } finally {
      await listen.stop();
    }
  });

  it('--client-version and --capabilities play another client: too old for the policy is refused, and without push_canonical it reads v1 pushes', async () => {
    const dave = srv.users.dave!;
    await srv.setPolicy({ minClientVersion: '1.0.0' });
    try {
      // Enrolled as 0.9.0: the server has no device that may take a push.
      const old = startAuthenticator(['listen', '--state', state(), '--account', dave.upn, '--deny', '--client-version', '0.9.0']);
      try {
        await old.waitFor((l) => l.event === 'ready');
        const browser = new HttpClient(srv.origin);
        const start = await browser.post('/api/signin/start', { username: dave.upn });
        const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password: dave.password });
        expect(pw.body).toMatchObject({ error: 'client_update_required', details: { minClientVersion: '1.0.0', clientVersion: '0.9.0' } });
      } finally {
        await old.stop();
      }
      // The same device announcing 1.2.0 in its poll takes the push, a v1 one (its capabilities lack push_canonical), and it verifies.
      const listen = startAuthenticator(['listen', '--state', state(), '--account', dave.upn, '--approve-with', NUMBER, '--count', '1', '--client-version', '1.2.0', '--capabilities', V1_CAPABILITIES]);
      try {
        await listen.waitFor((l) => l.event === 'ready');
        expect(await deviceOf(dave.upn)).toMatchObject({ clientVersion: '1.2.0', capabilities: V1_CAPABILITIES.split(',') });
        const flow = await startPasswordThenPush(srv, dave.upn, dave.password);
        expect(await listen.waitFor((l) => l.event === 'answer')).toMatchObject({ requestId: flow.challengeId, status: 200, outcome: 'approved' });
        expect(listen.lines().some((l) => l.event === 'rejected')).toBe(false);
        expect((await flowStatus(flow)).status).toBe('signed_in');
      } finally {
        await listen.stop();
      }
    } finally {
      await srv.setPolicy({ minClientVersion: '0.0.0' });
    }
  });

  it('remove unenrolls the device: the server revokes it and the state file drops it', async () => {
    const dave = srv.users.dave!;
    const { id } = await deviceOf(dave.upn);
    const r = await run(['remove', '--account', dave.upn]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toEqual([{ event: 'removed', deviceId: id, upn: dave.upn, status: 200 }]);
    expect((await deviceOf(dave.upn)).revokedAt).not.toBeNull();
    expect((await run(['accounts'])).lines.map((a) => a.upn)).toEqual([srv.users.carol!.upn]);
  });
});
