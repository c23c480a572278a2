// pushkey-authenticator check against a server with one protocol rule switched off at a time:
// the rows that check that rule fail, each named, the rows beside them (the controls) still
// pass, and the command exits 1. Each broken server runs only its rows and controls (--only):
// together the broken servers fail every row the checker has.
import { describe, expect, it, vi } from 'vitest';
import { runAuthenticator } from '../support/authenticator.ts';
import { startBrokenServer, type BrokenRule } from '../support/broken-server.ts';
import { ROW_IDS } from '../../devkit/checks.ts';

vi.mock('../../server/domain/authenticator/device-keys.ts', async (importOriginal) => {
  const { brokenDeviceKeys } = await import('../support/broken-verifier.ts');
  return brokenDeviceKeys(await importOriginal());
});

/**
 * What each broken rule must fail; the rows that need device B and fail because it could not
 * be enrolled; and rows run beside them that must still pass.
 */
const CASES: Record<BrokenRule, { fails: string[]; withoutB?: string[]; controls: string[] }> = {
  // The expiry breaks wait out a request lifetime (30 s, the policy's shortest): they run first, side by side.
  'ignore-expiry': { fails: ['respond.expiry-past'], controls: ['respond.expiry-at-limit'] },
  'expire-early': { fails: ['respond.expiry-at-limit'], controls: ['respond.expiry-past', 'respond.correct-number'] },
  // B's code needs the browser of a sign-in A approved: without it, the rows that need B cannot run.
  'approval-not-delivered': {
    fails: ['respond.correct-number'],
    withoutB: ['respond.foreign-key', 'respond.tampered-device-id', 'revoked.respond', 'revoked.command', 'revoked.channel'],
    controls: ['respond.replay', 'respond.tampered-request-id', 'respond.tampered-number'],
  },
  'accept-replay': { fails: ['respond.replay'], controls: ['respond.correct-number', 'channel.push-signed'] },
  'wrong-push-key': { fails: ['channel.push-signed'], controls: ['respond.correct-number', 'respond.replay'] },
  // A wrong number that is accepted is never counted either.
  'accept-wrong-number': { fails: ['respond.wrong-number', 'respond.failure-cap'], controls: ['respond.after-wrong-number'] },
  'wrong-number-retry': { fails: ['respond.after-wrong-number'], controls: ['respond.wrong-number', 'respond.failure-cap'] },
  'no-failure-cap': { fails: ['respond.failure-cap'], controls: ['respond.wrong-number', 'respond.after-wrong-number'] },
  'ignore-revocation': { fails: ['revoked.respond', 'revoked.command', 'revoked.channel'], controls: ['respond.correct-number'] },
  'accept-command-replay': { fails: ['command.replay'], controls: ['command.tampered-timestamp', 'command.skewed-timestamp'] },
  'ignore-clock-skew': { fails: ['command.skewed-timestamp'], controls: ['command.tampered-timestamp', 'command.replay'] },
  // The same nonce on every socket also lets an auth signed for another socket through.
  'reuse-hello-nonce': { fails: ['channel.hello-fresh-nonce', 'channel.auth-old-nonce'], controls: ['channel.auth-bad-signature', 'revoked.channel'] },
  // The verifier breaks switch one verifier for the whole process: they run alone, last.
  'skip-signature': {
    fails: ['respond.tampered-request-id', 'respond.foreign-key', 'respond.tampered-number', 'respond.tampered-device-id', 'command.tampered-timestamp', 'channel.auth-bad-signature', 'channel.auth-old-nonce'],
    controls: ['respond.correct-number', 'respond.high-s'],
  },
  'reject-high-s': { fails: ['respond.high-s'], controls: ['respond.correct-number', 'respond.tampered-number'] },
};

const VERIFIER_BREAKS: BrokenRule[] = ['skip-signature', 'reject-high-s'];

interface ReportRow {
  id: string;
  result: 'pass' | 'fail' | 'skip';
  got: string;
}

async function checkAgainst(broken: BrokenRule): Promise<void> {
  const { fails: own, withoutB = [], controls } = CASES[broken];
  const fails = [...own, ...withoutB];
  const srv = await startBrokenServer(broken, { clock: { now: () => Date.now() }, policy: { requestLifetimeSeconds: 30 } });
  try {
    const { upn, password } = srv.users.alice!;
    const r = await runAuthenticator(['check', srv.origin, '--user', upn, '--password', password, '--json', '--only', [...fails, ...controls].join(',')], { timeoutMs: 90_000 });
    const report = JSON.parse(r.stdout) as { failed: number; rows: ReportRow[] };
    const ids = (result: ReportRow['result']) => report.rows.filter((row) => row.result === result).map((row) => row.id);
    expect(ids('fail'), JSON.stringify(report.rows.filter((row) => row.result !== 'skip'), null, 2)).toEqual(ROW_IDS.filter((id) => fails.includes(id)));
    expect(ids('pass')).toEqual(ROW_IDS.filter((id) => controls.includes(id)));
    expect(report.failed).toBe(fails.length);
    for (const id of withoutB) expect(report.rows.find((row) => row.id === id)!.got).toMatch(/^not run: device B could not be enrolled: /);
    expect(r.code).toBe(1);
  } finally {
    await srv.close();
  }
}

describe('pushkey-authenticator check against a broken server', () => {
  it('has a broken server that fails each of its rows', () => {
    const failed = new Set(Object.values(CASES).flatMap((c) => c.fails));
    expect(ROW_IDS.filter((id) => !failed.has(id))).toEqual([]);
  });

  for (const [broken, { fails }] of Object.entries(CASES) as [BrokenRule, (typeof CASES)[BrokenRule]][]) {
    const test = VERIFIER_BREAKS.includes(broken) ? it : it.concurrent;
    test(`names what breaks when the server ${broken}: ${fails.join(', ')}`, () => checkAgainst(broken), 120_000);
  }
});
