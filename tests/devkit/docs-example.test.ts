// docs/devkit.md's worked example, run as written: its shell steps through bash (npx and all,
// in a temporary folder's copy of nothing but the state file), then its answer call.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flowStatus, startPasswordThenPush } from '../support/flows.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { freePort } from '../support/spawn-server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/devkit.md'), 'utf8');
/** The commands of the doc's sh blocks, comments left out. */
const shellSteps = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).join('\n'));

let srv: TestServer;
let dir: string;
beforeAll(async () => {
  srv = await startServer({ clock: { now: () => Date.now() } });
  dir = mkdtempSync(path.join(tmpdir(), 'pushkey-devkit-doc-'));
});
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('runs the worked example of docs/devkit.md: enroll, listen with a control port, POST the number the page shows', async () => {
  expect(shellSteps).toHaveLength(2);
  const port = await freePort();
  // The doc's commands run from the checkout (npx finds the bin there) on the doc's state file, kept in a temp folder.
  const script = shellSteps.join('\n').replaceAll('ci-authenticator.json', path.join(dir, 'state.json')).replaceAll('authenticator.log', path.join(dir, 'authenticator.log')).replaceAll('127.0.0.1:7700', `127.0.0.1:${port}`);
  const env = { ...process.env, PUSHKEY_URL: srv.origin, ALICE_PASSWORD: srv.users.alice!.password };
  // The listen step ends with &: bash leaves it running; its process group is stopped at the end.
  const bash = spawn('bash', ['-c', `${script}\nwait`], { cwd: ROOT, env, detached: true, stdio: 'ignore' });
  const stop = () => {
    try {
      process.kill(-bash.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    const deadline = Date.now() + 60_000;
    while (!readLog(dir).includes('"event":"ready"')) {
      if (Date.now() > deadline) throw new Error(`the example's listen never got ready:\n${readLog(dir)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The relying party's page: a password sign-in that shows the number.
    const flow = await startPasswordThenPush(srv, srv.users.alice!.upn, srv.users.alice!.password);
    const number = flow.number;
    // Step 3 as the doc writes it.
    const res = await fetch(`http://127.0.0.1:${port}/answer`, { method: 'POST', body: JSON.stringify({ number }) });
    expect(await res.json()).toMatchObject({ requestId: flow.challengeId, decision: 'approve', server: { status: 200, body: { outcome: 'approved' } } });
    expect((await flowStatus(flow)).status).toBe('signed_in');
  } finally {
    stop();
  }
});

function readLog(d: string): string {
  try {
    return readFileSync(path.join(d, 'authenticator.log'), 'utf8');
  } catch {
    return '';
  }
}
