// pushkey-authenticator check against a server with one protocol rule switched off at a time:
// exactly the rows that check that rule fail, each named, and the command exits 1.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAuthenticator } from '../support/authenticator.ts';
import { startBrokenServer, type BrokenRule } from '../support/broken-server.ts';
import type { TestServer } from '../support/server.ts';

vi.mock('../../server/domain/authenticator/device-keys.ts', async (importOriginal) => {
  const { brokenDeviceKeys } = await import('../support/broken-verifier.ts');
  return brokenDeviceKeys(await importOriginal());
});

/** What each broken rule must fail, and nothing else. */
const FAILS: Record<BrokenRule, string[]> = {
  'accept-replay': ['respond.replay'],
  // A wrong number that is accepted is never counted either.
  'accept-wrong-number': ['respond.wrong-number', 'respond.failure-cap'],
  'no-failure-cap': ['respond.failure-cap'],
  'ignore-revocation': ['revoked.respond', 'revoked.command', 'revoked.channel'],
  'ignore-expiry': ['respond.expiry-past'],
  'skip-signature': ['respond.tampered-request-id', 'respond.foreign-key', 'respond.tampered-number', 'respond.tampered-device-id', 'command.tampered-timestamp', 'channel.auth-bad-signature', 'channel.auth-old-nonce'],
  'reject-high-s': ['respond.high-s'],
};

describe('pushkey-authenticator check against a broken server', () => {
  let srv: TestServer | null = null;
  afterEach(async () => {
    await srv?.close();
    srv = null;
  });

  for (const [broken, fails] of Object.entries(FAILS) as [BrokenRule, string[]][]) {
    it(`names what breaks when the server ${broken}: ${fails.join(', ')}`, async () => {
      srv = await startBrokenServer(broken, { clock: { now: () => Date.now() }, policy: { requestLifetimeSeconds: 30 } });
      const { upn, password } = srv.users.alice!;
      // The expiry checks wait out a request's lifetime: only the expiry break runs them.
      const skip = broken === 'ignore-expiry' ? [] : ['--skip', 'respond.expiry'];
      const r = await runAuthenticator(['check', srv.origin, '--user', upn, '--password', password, '--json', ...skip], { timeoutMs: 90_000 });
      const report = JSON.parse(r.stdout);
      const failed = report.rows.filter((row: { result: string }) => row.result === 'fail').map((row: { id: string }) => row.id);
      expect(failed, JSON.stringify(report.rows.filter((row: { result: string }) => row.result === 'fail'), null, 2)).toEqual(fails);
      expect(report.failed).toBe(fails.length);
      expect(r.code).toBe(1);
    }, 120_000);
  }
});
