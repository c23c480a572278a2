// The server's CPU time for one complete passwordless sign-in: every request of the flow
// (start, "use an app instead", the status poll), the push over the device channel, the
// device's signed answer, the session and the sign-in log. The server runs in a process of
// its own (support/server-child.ts) and its CPU time is read before and after the sign-ins,
// which the clients drive one after another from this process. Baselines, same run: one
// P-256 verify with a cached KeyObject, the least work a sign-in must do; and a bare
// node:http + ws server answering the same messages (support/bare-transport.ts).
import { respondBytes } from '../protocol/signed-bytes.ts';
import { exportPublicKey, generateDeviceKey, sign } from '../protocol/webcrypto.ts';
import { verifyDeviceSignature } from '../server/domain/authenticator/device-keys.ts';
import { median, verdict } from './lib.ts';
import { bareTransport, MAX_ROUND, serverWithAlice } from './support/server-child.ts';

const SIGN_INS = Math.min(MAX_ROUND, Number(process.env.BENCH_SIGNINS ?? 300));
const ROUNDS = 3;

/** CPU µs per verify of one device's signature, its KeyObject cached as the server caches it (CPU time, like the server's figure). */
async function bareVerify(): Promise<() => Promise<number>> {
  const keys = await generateDeviceKey();
  // An id of its own: the cache is keyed by device id.
  const device = { id: 'bench-cpu-baseline', publicKey: await exportPublicKey(keys.publicKey) };
  const bytes = respondBytes({ origin: 'https://id.example', challengeId: 'c'.repeat(22), nonce: 'n'.repeat(22), decision: 'approve', number: '42', deviceId: 'd'.repeat(22), clientVersion: '1.0.0' });
  const sig = await sign(keys.privateKey, bytes);
  const run = () => {
    if (!verifyDeviceSignature(device, bytes, sig)) throw new Error('bare verify: the signature does not verify');
  };
  for (let i = 0; i < 200; i++) run();
  return async () => {
    const n = 3000;
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) run();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n;
  };
}

export async function run(): Promise<void> {
  // The default, FULL: each acknowledged step flushed to the disk. NORMAL beside it says what the flushes cost.
  const full = await serverWithAlice({ sqliteSynchronous: 'FULL' });
  const normal = await serverWithAlice({ sqliteSynchronous: 'NORMAL' });
  // The same messages through a bare node:http + ws server: the floor any server of this shape stands on.
  const bare = await bareTransport();
  try {
    const bareVerifyUs = await bareVerify();
    const perSignIn: number[] = [];
    const perSignInNormal: number[] = [];
    const perSignInBare: number[] = [];
    const verify: number[] = [];
    // Rounds alternate with the baselines and each other, so that load from elsewhere falls on all.
    for (let r = 0; r < ROUNDS; r++) {
      verify.push(await bareVerifyUs());
      perSignIn.push(await full.round(SIGN_INS));
      perSignInNormal.push(await normal.round(SIGN_INS));
      perSignInBare.push(await bare.round(SIGN_INS));
    }
    const [cpu, cpuNormal, cpuBare, v] = [median(perSignIn), median(perSignInNormal), median(perSignInBare), median(verify)];
    process.stdout.write(
      `\nServer CPU per complete passwordless sign-in, median of ${ROUNDS} rounds of ${SIGN_INS}: ${cpu.toFixed(0)} µs with SQLite FULL (the default), ${cpuNormal.toFixed(0)} µs with NORMAL (no flush); ` +
        `a bare node:http + ws server answering the same messages ${cpuBare.toFixed(0)} µs (${(cpuBare / v).toFixed(1)}× a verify; pushkey ${(cpu / cpuBare).toFixed(1)}× it); one cached-key P-256 verify ${v.toFixed(1)} µs\n`,
    );
    verdict({
      row: 'complete sign-in, server CPU',
      figure: `${cpu.toFixed(0)} µs (NORMAL: ${cpuNormal.toFixed(0)} µs)`,
      baseline: `bare P-256 verify, cached KeyObject ${v.toFixed(1)} µs; bare node:http + ws ${cpuBare.toFixed(0)} µs`,
      ratio: `${(cpu / v).toFixed(1)}× a verify, ${(cpu / cpuBare).toFixed(1)}× the bare transport`,
      target: '≤ 10× a verify',
      met: cpu / v <= 10,
    });
  } finally {
    await full.stop();
    await normal.stop();
    await bare.stop();
  }
}
