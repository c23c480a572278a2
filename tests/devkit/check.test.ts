// pushkey-authenticator check against pushkey's own server: every rule it checks passes, run the
// way docs/devkit.md's CI step writes it, and with the activation given as a pushkey:// URI.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAuthenticator } from '../support/authenticator.ts';
import { signIn, startServer, type TestServer } from '../support/server.ts';
import { ROW_IDS } from '../../devkit/checks.ts';
import { SoftDevice } from '../../devkit/device.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/devkit.md'), 'utf8');
/** The `run:` line of the doc's CI step. */
const ciStep = /```yaml\n[\s\S]*?\n\s*run: (.*)\n[\s\S]*?```/.exec(DOC.slice(DOC.indexOf('### In CI')))![1]!;

let srv: TestServer;
beforeAll(async () => {
  // The wall clock (device commands are stamped with the child's), and the shortest request
  // lifetime the policy allows, so the expiry checks wait 30 s and not 90.
  srv = await startServer({ clock: { now: () => Date.now() }, policy: { requestLifetimeSeconds: 30 } });
});
afterAll(async () => {
  await srv?.close();
});

function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

it('passes every check against pushkey, run as the CI step of docs/devkit.md, and removes its devices', async () => {
  const { upn, password } = srv.users.alice!;
  const r = await bash(ciStep, { PUSHKEY_URL: srv.origin, CHECKER_USER: upn, CHECKER_PASSWORD: password });
  const rows = r.stdout.split('\n').filter((l) => /^(PASS|FAIL|SKIP) /.test(l));
  expect(rows.filter((l) => !l.startsWith('PASS')), r.stdout + r.stderr).toEqual([]);
  expect(rows.map((l) => l.split(/ +/)[1])).toEqual(ROW_IDS);
  expect(r.stdout).toContain(`${ROW_IDS.length} passed, 0 failed\n`);
  expect(r.code).toBe(0);
  const user = (await srv.repo.getUserByUpn(upn))!;
  expect((await srv.repo.listUserDevices(user.id)).filter((d) => d.revokedAt === null)).toEqual([]);
}, 120_000);

it('takes the activation as a pushkey:// URI (the user from it), and reports in JSON', async () => {
  const { upn, password } = srv.users.bob!;
  const me = await signIn(srv.origin, upn, password);
  const uri = (await me.post('/api/me/authenticator/activation')).body.uri as string;
  const r = await runAuthenticator(['check', uri, '--password', password, '--json', '--skip', 'respond.expiry'], { timeoutMs: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.lines).toHaveLength(1);
  const report = r.lines[0];
  expect(report).toMatchObject({ server: srv.origin, passed: ROW_IDS.length - 2, failed: 0, skipped: 2 });
  expect(report.rows.find((row: { id: string }) => row.id === 'respond.replay')).toMatchObject({ result: 'pass', expected: '409 challenge_consumed', got: '409 challenge_consumed' });
  expect(report.rows.filter((row: { result: string }) => row.result === 'skip').map((row: { id: string }) => row.id)).toEqual(['respond.expiry-at-limit', 'respond.expiry-past']);
  expect(r.code).toBe(0);
}, 90_000);

it('takes the activation as the code typed with the server URL, and --skip leaves rows out', async () => {
  const { upn, password } = srv.users.carol!;
  const me = await signIn(srv.origin, upn, password);
  const code = (await me.post('/api/me/authenticator/activation')).body.code as string;
  const r = await runAuthenticator(['check', `${srv.origin}/signin`, '--code', code, '--user', upn, '--password', password, '--json', '--skip', 'respond.expiry,revoked,respond.failure-cap'], { timeoutMs: 60_000 });
  expect(r.lines[0]).toMatchObject({ server: srv.origin, passed: ROW_IDS.length - 6, failed: 0, skipped: 6 });
  expect(r.code).toBe(0);
  // Both of its devices are gone, B too although the revocation checks did not run.
  const user = (await srv.repo.getUserByUpn(upn))!;
  expect((await srv.repo.listUserDevices(user.id)).filter((d) => d.revokedAt === null)).toEqual([]);
}, 90_000);

it('says what it needs when the user already has an authenticator and no activation is given', async () => {
  const { upn, password } = srv.users.dave!;
  const me = await signIn(srv.origin, upn, password);
  await SoftDevice.enroll(srv.origin, (await me.post('/api/me/authenticator/activation')).body.code);
  const r = await runAuthenticator(['check', srv.origin, '--user', upn, '--password', password]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('give the checker an activation code (--code, or a pushkey:// URI)');
});

it('checks the lockout at the --failure-cap it is given, and skips the expiry rows a lifetime past --max-wait would hold up', async () => {
  // carol has no device left (the run above removed them) and is not locked out (it skipped the cap).
  const { upn, password } = srv.users.carol!;
  const r = await runAuthenticator(['check', srv.origin, '--user', upn, '--password', password, '--json', '--only', 'respond.failure-cap,respond.expiry', '--failure-cap', '4', '--max-wait', '10'], { timeoutMs: 60_000 });
  const rows = new Map((r.lines[0].rows as { id: string; result: string; sent: string; got: string }[]).map((row) => [row.id, row]));
  // The server locks out at its policy's 5: after 4 wrong numbers the user may still sign in.
  expect(rows.get('respond.failure-cap')).toMatchObject({ result: 'fail', sent: expect.stringMatching(/^4 sign-ins each approved with a wrong number/), got: 'a new sign-in and push (not locked out)' });
  for (const id of ['respond.expiry-at-limit', 'respond.expiry-past']) {
    expect(rows.get(id)).toMatchObject({ result: 'skip', got: 'the push expires 30 s after it was made, more than --max-wait 10 s' });
  }
  expect(rows.get('respond.correct-number')).toMatchObject({ result: 'skip', got: 'not selected (--only)' });
  expect(r.lines[0]).toMatchObject({ passed: 0, failed: 1, skipped: ROW_IDS.length - 1 });
  expect(r.code).toBe(1);
}, 60_000);
