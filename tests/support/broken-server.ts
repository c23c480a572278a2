// pushkey's real server with one protocol rule switched off, for the conformance checker to
// catch. The rules that live in the domain are broken from outside it: the repository is
// wrapped so that, while a device's response is being handled, it tells the domain what the
// broken server would believe (an approved request is still pending, the typed number is the
// right one, the request has not expired); a revoked device reads as active and wrong numbers
// are never counted. The signature rules are broken in the verifier (broken-verifier.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import express from 'express';
import { openSqlite } from '../../server/storage/sqlite/open.ts';
import type { Repository } from '../../server/storage/repository.ts';
import { startServer, type TestServer } from './server.ts';
import { verifier, type VerifierBreak } from './broken-verifier.ts';

export type RepositoryBreak = 'accept-replay' | 'accept-wrong-number' | 'no-failure-cap' | 'ignore-revocation' | 'ignore-expiry';
export type BrokenRule = RepositoryBreak | VerifierBreak;

export const BROKEN_RULES: readonly BrokenRule[] = ['accept-replay', 'accept-wrong-number', 'no-failure-cap', 'ignore-revocation', 'ignore-expiry', 'skip-signature', 'reject-high-s'];

/** The device response being handled, as it came (the body of POST /api/device/respond). */
const responding = new AsyncLocalStorage<{ challengeId?: unknown; number?: unknown }>();

export function breakRepository(repo: Repository, broken: BrokenRule): Repository {
  const inResponse = (id: string) => {
    const r = responding.getStore();
    return r && r.challengeId === id ? r : null;
  };
  const overrides: Partial<Repository> = {
    atomically: (fn, opts) => repo.atomically((tx) => fn(breakRepository(tx, broken)), opts),
    async getChallenge(id) {
      const c = await repo.getChallenge(id);
      const r = inResponse(id);
      if (!c || !r) return c;
      if (broken === 'accept-replay' && c.status === 'approved') return { ...c, status: 'pending' };
      if (broken === 'accept-wrong-number' && typeof r.number === 'string' && r.number !== '') return { ...c, number: r.number };
      if (broken === 'ignore-expiry') return { ...c, expiresAt: Number.MAX_SAFE_INTEGER };
      return c;
    },
    async consumeChallenge(id, update, now) {
      const r = inResponse(id);
      if (r && broken === 'ignore-expiry') return repo.consumeChallenge(id, update, 0);
      const won = await repo.consumeChallenge(id, update, now);
      if (!won && r && broken === 'accept-replay') return (await repo.getChallenge(id))?.status === 'approved';
      return won;
    },
    async getDevice(id) {
      const device = await repo.getDevice(id);
      return device && broken === 'ignore-revocation' ? { ...device, revokedAt: null } : device;
    },
    async countFailure(userId, counter, cap, now, lockUntil) {
      if (counter === 'push' && broken === 'no-failure-cap') return { locked: false, newly: false };
      return repo.countFailure(userId, counter, cap, now, lockUntil);
    },
  };
  return new Proxy(repo, {
    get: (target, key, receiver) => (key in overrides ? overrides[key as keyof Repository] : Reflect.get(target, key, receiver)),
  });
}

/**
 * Starts the server with `broken` switched off (a verifier break needs the test file to mock
 * device-keys.ts with brokenDeviceKeys). Options as startServer's.
 */
export async function startBrokenServer(broken: BrokenRule, opts: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const isVerifierBreak = broken === 'skip-signature' || broken === 'reject-high-s';
  verifier.broken = isVerifierBreak ? broken : null;
  const srv = await startServer({ ...opts, openRepository: (o) => (isVerifierBreak ? openSqlite(o) : breakRepository(openSqlite(o), broken)) });
  // The response's body is read here first, so the repository knows what the device sent; the
  // app's own parser then finds it read and keeps it.
  const front = express();
  front.post('/api/device/respond', express.json({ limit: '16kb' }), (req, _res, next) => responding.run(req.body ?? {}, next));
  front.use(srv.app.express);
  srv.server.removeAllListeners('request');
  srv.server.on('request', front);
  return {
    ...srv,
    async close() {
      verifier.broken = null;
      await srv.close();
    },
  };
}
