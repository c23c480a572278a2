// `check`: the conformance checker. It enrolls two devices of its own on a test user's account,
// runs the protocol's rules against the server (checks.ts), prints the table (or --json), removes
// its remaining device, and exits 1 when a row failed.
import { parseEnrollUri } from '../protocol/enroll-uri.ts';
import { UsageError, type Flags } from './cli.ts';
import { json, summary, table } from './check-report.ts';
import { openSession, type Target } from './check-session.ts';
import { namedBy, ROW_IDS, runChecks, type CheckOptions } from './checks.ts';

function wholeFlag(flags: Flags, name: 'failure-cap' | 'max-wait', fallback: number): number {
  const text = flags[name];
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--${name} takes a positive whole number, got "${text}"`);
  return Number(text);
}

/** The server and the activation, from `check <server URL | pushkey:// URI>` and its flags. */
export function readTarget(flags: Flags, positionals: string[]): Target {
  const [where] = positionals;
  if (!where) throw new UsageError('check takes the server URL (or a pushkey://enroll?… URI): pushkey-authenticator check https://login.example.com --user U --password P');
  let origin: string;
  let code = flags.code;
  let upn = flags.user;
  if (where.startsWith('pushkey:')) {
    const link = parseEnrollUri(where);
    origin = link.origin;
    code = link.code;
    upn ??= link.user;
  } else {
    try {
      origin = new URL(where).origin;
    } catch {
      throw new UsageError(`check: "${where}" is neither a server URL nor a pushkey:// URI`);
    }
  }
  // The checker starts its own sign-ins, as a browser would: it needs the user's password.
  if (!upn || !flags.password) throw new UsageError('check needs --user and --password of a test user: the checker signs in as that user to start the requests it answers');
  return { origin, upn, password: flags.password, ...(code ? { code } : {}) };
}

/** The ids of --skip or --only: each a check id, or a prefix of ids (revoked, respond.expiry). */
function rowSelection(flags: Flags, name: 'skip' | 'only'): string[] {
  const given = (flags[name] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of given) {
    if (!ROW_IDS.some((id) => namedBy(id, [p]))) throw new UsageError(`--${name}: no check is named "${p}" (checks: ${ROW_IDS.join(', ')})`);
  }
  return given;
}

export function readCheckOptions(flags: Flags): CheckOptions {
  if (flags.only !== undefined && rowSelection(flags, 'only').length === 0) throw new UsageError('--only takes comma-separated check ids or prefixes');
  return { failureCap: wholeFlag(flags, 'failure-cap', 5), maxWaitMs: wholeFlag(flags, 'max-wait', 120) * 1000, skip: rowSelection(flags, 'skip'), only: rowSelection(flags, 'only') };
}

export async function check(flags: Flags, positionals: string[]): Promise<void> {
  const target = readTarget(flags, positionals);
  const opts = readCheckOptions(flags);
  const session = await openSession(target);
  try {
    const rows = await runChecks(session, opts, (row) => {
      if (!flags.json) process.stderr.write(`${row.result} ${row.id}\n`);
    });
    process.stdout.write(flags.json ? json(target.origin, rows) : table(target.origin, rows));
    if (summary(rows).failed > 0) process.exitCode = 1;
  } finally {
    // The checker's devices are its own: both go (B already did in the revocation check, unless skipped).
    for (const [name, device] of [['A', session.a], ['B', session.b]] as const) {
      if (!device) continue;
      device.close();
      const removed = await device.command('unenroll').catch((e: Error) => ({ status: 0, body: { error: e.message } }));
      if (removed.status !== 200 && removed.body.error !== 'device_revoked') {
        process.stderr.write(`pushkey-authenticator: could not remove device ${name} (${device.deviceId}): ${removed.status} ${String(removed.body.error)}\n`);
      }
    }
  }
}
