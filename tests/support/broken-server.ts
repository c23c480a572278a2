// pushkey's real server with one protocol rule switched off, for the conformance checker to
// catch. The rules that live in the domain are broken from outside it: the repository is
// wrapped so that, while a device's response is being handled, it tells the domain what the
// broken server would believe (an approved request is still pending, the typed number is the
// right one, the request has not expired, or expired early; a wrong number leaves it pending);
// the browser that started a sign-in reads its approved request as cancelled; a revoked device reads as active, wrong numbers are never counted, and any command timestamp
// is "newer". Others are broken in the wiring: the key that signs pushes, the randomness of the
// channel's hello, the clock-skew window. The device-signature rules are broken in the
// verifier (broken-verifier.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import { serverKeyFrom } from '../../server/domain/authenticator/server-key.ts';
import type { Random } from '../../server/domain/deps.ts';
import { openSqlite } from '../../server/storage/sqlite/open.ts';
import type { Repository } from '../../server/storage/repository.ts';
import { cryptoRandom } from '../../server/wiring.ts';
import { startServer, type TestServer } from './server.ts';
import { verifier, type VerifierBreak } from './broken-verifier.ts';

export type RepositoryBreak =
  | 'approval-not-delivered'
  | 'accept-replay'
  | 'accept-wrong-number'
  | 'wrong-number-retry'
  | 'no-failure-cap'
  | 'ignore-revocation'
  | 'ignore-expiry'
  | 'expire-early'
  | 'accept-command-replay';
export type WiringBreak = 'wrong-push-key' | 'reuse-hello-nonce' | 'ignore-clock-skew';
export type BrokenRule = RepositoryBreak | WiringBreak | VerifierBreak;

const REPOSITORY_BREAKS: readonly BrokenRule[] = ['approval-not-delivered', 'accept-replay', 'accept-wrong-number', 'wrong-number-retry', 'no-failure-cap', 'ignore-revocation', 'ignore-expiry', 'expire-early', 'accept-command-replay'];

/** How much earlier than its pushes' expiresAt the expire-early server ends a request. */
export const EARLY_EXPIRY_MS = 5000;

/** The device response being handled, as it came (the body of POST /api/device/respond). */
const responding = new AsyncLocalStorage<{ challengeId?: unknown; number?: unknown }>();
/** Set while a channel upgrade is handled, which is where the hello's nonce is drawn. */
const greeting = new AsyncLocalStorage<true>();

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
      // The browser's look at an approved request (anything but the device's answer) finds it cancelled.
      if (c && !r && broken === 'approval-not-delivered' && c.status === 'approved') return { ...c, status: 'cancelled' };
      if (!c || !r) return c;
      if (broken === 'accept-replay' && c.status === 'approved') return { ...c, status: 'pending' };
      if (broken === 'accept-wrong-number' && typeof r.number === 'string' && r.number !== '') return { ...c, number: r.number };
      if (broken === 'ignore-expiry') return { ...c, expiresAt: Number.MAX_SAFE_INTEGER };
      // A lifetime counted from an earlier moment than the one the push announced.
      if (broken === 'expire-early') return { ...c, expiresAt: c.expiresAt - EARLY_EXPIRY_MS };
      return c;
    },
    async consumeChallenge(id, update, now) {
      const r = inResponse(id);
      if (r && broken === 'ignore-expiry') return repo.consumeChallenge(id, update, 0);
      // A wrong number is refused, but the request stays open for another try.
      if (r && broken === 'wrong-number-retry' && update.status === 'number_mismatch') return true;
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
    async advanceCommandTimestamp(deviceId, timestamp) {
      const advanced = await repo.advanceCommandTimestamp(deviceId, timestamp);
      return advanced || broken === 'accept-command-replay';
    },
  };
  return new Proxy(repo, {
    get: (target, key, receiver) => (key in overrides ? overrides[key as keyof Repository] : Reflect.get(target, key, receiver)),
  });
}

/** Randomness whose draws during a channel upgrade are one value drawn at start: every hello carries the same nonce. */
function helloDrawnOnce(random: Random): Random {
  const once = random.bytes(16);
  return { bytes: (n) => (greeting.getStore() && n === once.length ? once.slice() : random.bytes(n)), int: (min, max) => random.int(min, max) };
}

/**
 * Starts the server with `broken` switched off (a verifier break needs the test file to mock
 * device-keys.ts with brokenDeviceKeys). Options as startServer's.
 */
export async function startBrokenServer(broken: BrokenRule, opts: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const isVerifierBreak = broken === 'skip-signature' || broken === 'reject-high-s';
  verifier.broken = isVerifierBreak ? broken : null;
  const srv = await startServer({
    ...opts,
    openRepository: (o) => (REPOSITORY_BREAKS.includes(broken) ? breakRepository(openSqlite(o), broken) : openSqlite(o)),
    ...(broken === 'reuse-hello-nonce' ? { random: helloDrawnOnce(opts.random ?? cryptoRandom) } : {}),
    // A window without bounds: the device's clock is never too far from ours.
    ...(broken === 'ignore-clock-skew' ? { limits: { ...opts.limits, commandSkewMs: Number.MAX_SAFE_INTEGER } } : {}),
  });
  // Pushes signed with a key of their own, not the one enrollment hands out (two instances
  // that each generated a key). Every part of the server holds this one key object.
  if (broken === 'wrong-push-key') srv.deps.serverKey.sign = serverKeyFrom(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey).sign;
  // The response's body is read here first, so the repository knows what the device sent; the
  // app's own parser then finds it read and keeps it.
  const front = express();
  front.post('/api/device/respond', express.json({ limit: '16kb' }), (req, _res, next) => responding.run(req.body ?? {}, next));
  front.use(srv.app.express);
  srv.server.removeAllListeners('request');
  srv.server.on('request', front);
  const upgrades = srv.server.listeners('upgrade') as Array<(...args: unknown[]) => void>;
  srv.server.removeAllListeners('upgrade');
  srv.server.on('upgrade', (...args: unknown[]) => greeting.run(true, () => upgrades.forEach((l) => l.apply(srv.server, args))));
  return {
    ...srv,
    async close() {
      verifier.broken = null;
      await srv.close();
    },
  };
}
