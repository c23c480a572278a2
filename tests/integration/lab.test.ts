// The classroom lab: `npm run lab` sets up a class in a data directory, again without
// duplicates or new passwords, and resets a student; the server on that directory shows the
// instructor's board from the logs and moves the lab clock; outside lab mode both are refused.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollUser, signInMethodsOf, startSignIn, userId } from '../support/flows.ts';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { runLab, sheetOf } from '../support/lab.ts';
import * as v from 'valibot';
import { LabBoard } from '../../protocol/http/lab.ts';

const wallClock = { now: () => Date.now() };


describe('npm run lab', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-lab-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let first: Record<string, string>;

  it('sets up a class of three and an instructor, prints their sign-in sheet and writes a printable one', async () => {
    const out = await runLab(dir, '--students', '3');
    first = sheetOf(out);
    expect(Object.keys(first).sort()).toEqual(['instructor@pushkey.test', 'student01@pushkey.test', 'student02@pushkey.test', 'student03@pushkey.test']);
    for (const password of Object.values(first)) expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const sheet = path.join(dir, 'lab', 'sheet.html');
    expect(out).toContain(`Printable sheet: ${sheet}`);
    const html = readFileSync(sheet, 'utf8');
    for (const [upn, password] of Object.entries(first)) {
      expect(html).toContain(upn);
      expect(html).toContain(password);
    }
    // It holds passwords: readable by its owner only.
    expect(statSync(sheet).mode & 0o077).toBe(0);
  });

  it('run again, finds the same users and changes no password', async () => {
    const out = await runLab(dir, '--students', '3');
    expect(out).toContain("nobody's password changed");
    expect(sheetOf(out)).toEqual(first);
    const srv = await startServer({ dataDir: dir, clock: wallClock, lab: true });
    try {
      const users = await srv.repo.listUsers({ search: 'student', limit: 100, offset: 0 });
      expect(users.map((u) => u.upn).sort()).toEqual(['student01@pushkey.test', 'student02@pushkey.test', 'student03@pushkey.test']);
      expect(users.every((u) => u.groups.includes('Lab'))).toBe(true);
      const instructor = await srv.repo.getUserByUpn('instructor@pushkey.test');
      expect(instructor?.roles.sort()).toEqual(['helpdesk', 'policy_admin', 'user']);
    } finally {
      await srv.close();
    }
  });
});

describe('a lab server', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-lab-'));
  let srv: TestServer;
  let sheet: Record<string, string>;
  let instructor: HttpClient;
  const served = () => ({
    origin: srv.origin,
    clock: srv.clock,
    users: Object.fromEntries(Object.entries(sheet).map(([upn, password]) => [upn.slice(0, upn.indexOf('@')), { upn, password }])),
  });
  const board = async () => {
    const res = await instructor.get<LabBoard>('/api/admin/lab/board');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(v.safeParse(LabBoard, res.body).success).toBe(true);
    return res.body;
  };
  const cell = (b: LabBoard, upn: string, task: string) => b.students.find((s) => s.upn === upn)!.cells.find((c) => c.task === task)!;

  beforeAll(async () => {
    sheet = sheetOf(await runLab(dir, '--students', '3'));
    srv = await startServer({ dataDir: dir, clock: wallClock, lab: true });
    instructor = await signIn(srv.origin, 'instructor@pushkey.test', sheet['instructor@pushkey.test']!);
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with the policy off and an empty board', async () => {
    expect((await instructor.get('/api/admin/policies/authenticator')).body.enabled).toBe(false);
    const b = await board();
    expect(b.students.map((s) => s.upn)).toEqual(['student01@pushkey.test', 'student02@pushkey.test', 'student03@pushkey.test']);
    expect(b.students.flatMap((s) => s.cells).filter((c) => c.done)).toEqual([]);
  });

  it("fills a student's cells from the logs: the instructor's policy, the authenticator, a typed code", async () => {
    const policy = (await instructor.get('/api/admin/policies/authenticator')).body;
    const saved = await instructor.put('/api/admin/policies/authenticator', { ...policy, enabled: true, target: { allUsers: false, includeGroups: ['Lab'], excludeGroups: [] } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    // student01 opens "Can't scan image?" and types the code into the extension (the soft device takes it as typed).
    const me = await signIn(srv.origin, 'student01@pushkey.test', sheet['student01@pushkey.test']!);
    const act = await me.post('/api/me/authenticator/activation');
    expect((await me.post(`/api/me/authenticator/activation/${act.body.activationId}/code-shown`)).body).toEqual({ status: 'noted' });
    const { SoftDevice } = await import('../support/soft-device.ts');
    await SoftDevice.enroll(srv.origin, act.body.code, { now: () => srv.clock.now() });
    // student02 scans the QR code.
    await enrollUser(served(), 'student02', { connect: false });

    const b = await board();
    for (const upn of ['student01@pushkey.test', 'student02@pushkey.test', 'student03@pushkey.test']) expect(cell(b, upn, 'policy_enabled').done).toBe(true);
    expect(cell(b, 'student01@pushkey.test', 'authenticator_added')).toMatchObject({ done: true, evidence: [{ log: 'audit', text: expect.stringContaining('Authenticator added') }] });
    expect(cell(b, 'student01@pushkey.test', 'manual_code').done).toBe(true);
    expect(cell(b, 'student02@pushkey.test', 'authenticator_added').done).toBe(true);
    expect(cell(b, 'student02@pushkey.test', 'manual_code').done).toBe(false);
    expect(cell(b, 'student03@pushkey.test', 'authenticator_added').done).toBe(false);
    // The cell links to the audit log filtered to the events that satisfied it.
    const link = cell(b, 'student02@pushkey.test', 'authenticator_added').link;
    expect(link).toMatchObject({ log: 'audit', query: { action: 'device.registered', actor: 'student02@pushkey.test' } });
    const linked = await instructor.get(`/api/admin/audit?${new URLSearchParams(link.query)}`);
    expect(linked.body.entries.map((e: { id: string }) => e.id)).toEqual(cell(b, 'student02@pushkey.test', 'authenticator_added').evidence.map((e) => e.id));
  });

  it('--reset removes a student\'s methods and sessions, restores the initial password, and starts the row over', async () => {
    const id = (await srv.repo.getUserByUpn('student02@pushkey.test'))!.id;
    expect((await srv.repo.listUserDevices(id)).filter((x) => x.revokedAt === null)).toHaveLength(1);
    const out = await runLab(dir, '--reset', 'student02');
    expect(out).toContain('Reset student02@pushkey.test');
    expect((await srv.repo.listUserDevices(id)).filter((x) => x.revokedAt === null)).toEqual([]);
    expect(sheetOf(out)['student02@pushkey.test']).toBe(sheet['student02@pushkey.test']);
    await signIn(srv.origin, 'student02@pushkey.test', sheet['student02@pushkey.test']!);
    const b = await board();
    expect(cell(b, 'student02@pushkey.test', 'authenticator_added').done).toBe(false);
    expect(cell(b, 'student01@pushkey.test', 'authenticator_added').done).toBe(true);
  });

  it('moves the lab clock forward: audited, shown in the status, and a pass expires without waiting', async () => {
    const id = await userId(instructor, 'student03@pushkey.test');
    const issued = await instructor.post(`/api/admin/users/${id}/tap`, { lifetimeMinutes: 60 });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const moved = await instructor.post('/api/admin/lab/clock', { minutes: 61 });
    expect(moved).toMatchObject({ status: 200, body: { enabled: true, clockOffsetMs: 61 * 60_000 } });
    expect((await new HttpClient(srv.origin).get('/api/lab')).body).toEqual({ enabled: true, clockOffsetMs: 61 * 60_000 });
    // The instructor is still signed in, though their session was idle for longer than it may be, by the lab clock.
    const audit = await instructor.get('/api/admin/audit?action=lab.clock_forwarded');
    expect(audit.body.entries[0]).toMatchObject({ actorUpn: 'instructor@pushkey.test', before: { offsetMs: 0 }, after: { offsetMs: 61 * 60_000, minutes: 61 } });
    const s = await startSignIn(srv, 'student03@pushkey.test');
    expect(await signInMethodsOf(srv, 'student03@pushkey.test')).not.toContain('tap');
    expect((await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass: issued.body.pass })).body.error).toBe('tap_invalid');
  });

  it('keeps the instructor signed in through a move of the clock, even in a request sent with their cookie before the move answered', async () => {
    const sentBefore = instructor.cookieHeader();
    expect((await instructor.post('/api/admin/lab/clock', { minutes: 31 })).status).toBe(200);
    // A poll of the board that left with the cookie the instructor held when the move began.
    const inFlight = await fetch(`${srv.origin}/api/admin/lab/board`, { headers: { cookie: sentBefore } });
    expect(inFlight.status).toBe(200);
    expect(instructor.cookieHeader()).toBe(sentBefore);
    expect((await instructor.get('/api/admin/lab/board')).status).toBe(200);
  });

  it('refuses the board and the clock to staff who are not the instructor', async () => {
    const policy = await srv.repo.getUserByUpn('policy@pushkey.test');
    await srv.repo.updateUser(policy!.id, { roles: ['user', 'policy_admin', 'helpdesk'] });
    const { setPassword } = await import('../../server/domain/users/users.ts');
    await setPassword(srv.deps, { id: null, upn: 'test', ip: '' }, policy!, 'policy-Passw0rd!');
    const other = await signIn(srv.origin, 'policy@pushkey.test', 'policy-Passw0rd!');
    expect((await other.get('/api/admin/lab/board')).body.error).toBe('forbidden');
    expect((await other.post('/api/admin/lab/clock', { minutes: 5 })).body.error).toBe('forbidden');
  });
});

describe('a server not in lab mode', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => srv?.close());

  it('says so, and answers the board and the lab clock with 404 lab_mode_off', async () => {
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    expect((await admin.get('/api/lab')).body).toEqual({ enabled: false, clockOffsetMs: 0 });
    expect(await admin.get('/api/admin/lab/board')).toMatchObject({ status: 404, body: { error: 'lab_mode_off' } });
    expect(await admin.post('/api/admin/lab/clock', { minutes: 60 })).toMatchObject({ status: 404, body: { error: 'lab_mode_off' } });
    expect((await admin.get('/api/admin/audit?action=lab.')).body.entries).toEqual([]);
    expect(srv.clock.now()).toBe(srv.deps.clock.now());
  });
});
