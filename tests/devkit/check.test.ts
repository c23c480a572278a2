// pushkey-authenticator check against pushkey's own server: every rule it checks passes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAuthenticator } from '../support/authenticator.ts';
import { signIn, startServer, type TestServer } from '../support/server.ts';
import { ROW_IDS } from '../../devkit/checks.ts';

let srv: TestServer;
beforeAll(async () => {
  // The wall clock (device commands are stamped with the child's), and the shortest request
  // lifetime the policy allows, so the expiry checks wait 30 s and not 90.
  srv = await startServer({ clock: { now: () => Date.now() }, policy: { requestLifetimeSeconds: 30 } });
});
afterAll(async () => {
  await srv?.close();
});

it('passes every check against pushkey, prints the table, and removes its devices', async () => {
  const { upn, password } = srv.users.alice!;
  const r = await runAuthenticator(['check', srv.origin, '--user', upn, '--password', password, '--json'], { timeoutMs: 90_000 });
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout);
  const failed = report.rows.filter((row: { result: string }) => row.result !== 'pass');
  expect(failed).toEqual([]);
  expect(report.rows.map((row: { id: string }) => row.id)).toEqual(ROW_IDS);
  expect(r.code).toBe(0);
  const user = (await srv.repo.getUserByUpn(upn))!;
  expect((await srv.repo.listUserDevices(user.id)).filter((d) => d.revokedAt === null)).toEqual([]);
}, 120_000);

it('takes the activation as a pushkey:// URI (the user from it), and prints the table', async () => {
  const { upn, password } = srv.users.bob!;
  const me = await signIn(srv.origin, upn, password);
  const uri = (await me.post('/api/me/authenticator/activation')).body.uri as string;
  const r = await runAuthenticator(['check', uri, '--password', password, '--skip', 'respond.expiry'], { timeoutMs: 60_000 });
  expect(r.stdout).toContain(`pushkey-authenticator check ${srv.origin}`);
  expect(r.stdout).toMatch(/^PASS +respond\.replay +409 challenge_consumed +409 challenge_consumed$/m);
  expect(r.stdout).toMatch(/^SKIP +respond\.expiry-past /m);
  expect(r.stdout).toContain('20 passed, 0 failed, 2 skipped');
  expect(r.code).toBe(0);
}, 90_000);
