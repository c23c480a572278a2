// pushkey-authenticator: the command. Reads the flags, runs one subcommand, exits with 0 on
// success, 1 on a failure the output explains, 2 on a usage error.
import { createInterface } from 'node:readline';
import { parseEnrollUri } from '../protocol/enroll-uri.ts';
import { PushkeyError } from '../protocol/errors.ts';
import type { PushRequest } from '../protocol/messages.ts';
import { check } from './check.ts';
import { parse, readFaults, readRule, UsageError, type Flags } from './cli.ts';
import { startControl, parseControlAddress } from './control.ts';
import { SOFT_CAPABILITIES, SOFT_VERSION, SoftDevice } from './device.ts';
import { activeFaults } from './faults.ts';
import { HELP } from './help.ts';
import { Listener, type Emit } from './listen.ts';
import { SiteClient, startPushSignIn } from './site-client.ts';
import { DEFAULT_STATE, dropAccount, putAccount, readState, selectAccounts, selectOne, writeState } from './state.ts';

const emit: Emit = (event) => process.stdout.write(JSON.stringify(event) + '\n');

const stateFile = (flags: Flags) => flags.state ?? DEFAULT_STATE;

/** Saves a device's counters (its last command timestamp) back into the state file. */
function save(flags: Flags, ...devices: SoftDevice[]): void {
  let state = readState(stateFile(flags));
  for (const d of devices) if (state.accounts.some((a) => a.account.deviceId === d.deviceId)) state = putAccount(state, d.store());
  writeState(stateFile(flags), state);
}

const capabilities = (flags: Flags) => (flags.capabilities === undefined ? SOFT_CAPABILITIES : flags.capabilities.split(',').filter(Boolean));

async function enroll(flags: Flags, positionals: string[]): Promise<void> {
  let origin: string;
  let code: string;
  if (positionals[0]) {
    const link = parseEnrollUri(positionals[0]);
    origin = link.origin;
    code = link.code;
  } else if (flags.url && flags.code) {
    origin = new URL(flags.url).origin;
    code = flags.code;
  } else if (flags.url && flags.user && flags.password) {
    origin = new URL(flags.url).origin;
    const me = new SiteClient(origin);
    await me.signInWithPassword(flags.user, flags.password);
    code = await me.activationCode();
  } else {
    throw new UsageError('enroll takes a pushkey://enroll?… URI, or --code and --url, or --url, --user and --password');
  }
  const device = await SoftDevice.enroll(origin, code, {
    storable: true,
    deviceName: flags.name ?? 'pushkey-authenticator',
    clientVersion: flags['client-version'] ?? SOFT_VERSION,
    capabilities: capabilities(flags),
  });
  writeState(stateFile(flags), putAccount(readState(stateFile(flags)), device.store()));
  const { deviceId, upn, tenant } = device.account;
  emit({ event: 'enrolled', deviceId, upn, tenant, origin, state: stateFile(flags) });
}

async function restoreAll(flags: Flags): Promise<SoftDevice[]> {
  const state = readState(stateFile(flags));
  const chosen = selectAccounts(state, flags.account);
  if (chosen.length === 0) throw new Error(`${stateFile(flags)} holds no account: run \`pushkey-authenticator enroll\` first`);
  const devices = await Promise.all(chosen.map((s) => SoftDevice.restore(s)));
  for (const d of devices) {
    if (flags['client-version']) d.clientVersion = flags['client-version'];
    if (flags.capabilities !== undefined) d.capabilities = capabilities(flags);
  }
  return devices;
}

async function listen(flags: Flags): Promise<void> {
  const rule = readRule(flags);
  const faults = readFaults(flags);
  const count = flags.count === undefined ? null : Number(flags.count);
  if (count !== null && !(Number.isInteger(count) && count > 0)) throw new UsageError(`--count takes a positive whole number, got "${flags.count}"`);
  const control = flags.control ? parseControlAddress(flags.control) : null;
  if (!rule && !control) throw new UsageError('listen needs a rule (--approve-with N, --deny, --report) or --control HOST:PORT to answer through');
  // Every account of the file is a device whose key --foreign-signature can borrow.
  const devices = await restoreAll(flags);
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const listener = new Listener(devices, { rule, faults, emit, onAnswered: (n) => n === count && done() });
  const stop = () => done();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const ctl = control ? await startControl(listener, control) : null;
  await listener.start();
  emit({ event: 'ready', accounts: devices.map((d) => ({ deviceId: d.deviceId, upn: d.account.upn, origin: d.origin })), control: ctl?.address ?? null, faults: activeFaults(faults) });
  await finished;
  listener.stop();
  ctl?.server.close();
  save(flags, ...devices);
}

/** "Set up passwordless sign-in": the password once, then the number My Account shows. */
async function passwordlessSetup(flags: Flags): Promise<void> {
  if (!flags.password) throw new UsageError('passwordless-setup needs --password (the account password, asked once)');
  const [device] = await restoreAll({ ...flags, account: selectOne(readState(stateFile(flags)), flags.account).account.deviceId });
  const d = device!;
  try {
    const setup = await d.command('passwordless_setup', { password: flags.password, clientVersion: d.clientVersion });
    if (setup.status !== 200) throw new PushkeyError(setup.body.error ?? 'internal', setup.body.message ?? `HTTP ${setup.status}`);
    const listener = new Listener([d], { rule: null, faults: readFaults(flags), emit });
    await listener.receive(d, setup.body.request as PushRequest, 'setup');
    const held = [...listener.pending.values()][0];
    if (!held) throw new Error('the setup request does not verify with the pinned server key');
    const number = flags.number ?? (flags['from-my-account'] ? await numberFromMyAccount(d, flags.password, listener) : await readLine('number shown in My Account: '));
    const res = await listener.answer(held.push.challengeId, 'approve', number);
    if (res.status !== 200) process.exitCode = 1;
  } finally {
    save(flags, d);
  }
}

/**
 * The number My Account shows, read by signing in there as the user: the password, then the
 * push MFA that this very device answers (the number of that sign-in is on the same page).
 */
async function numberFromMyAccount(d: SoftDevice, password: string, listener: Listener): Promise<string> {
  const signIn = await startPushSignIn(d.origin, d.account.upn, password);
  if (!signIn.ok) throw new Error(`My Account sign-in: ${signIn.answer.status} ${JSON.stringify(signIn.answer.body)}`);
  const poll = await d.command('poll', { clientVersion: d.clientVersion, capabilities: d.capabilities });
  for (const r of (poll.body.requests ?? []) as PushRequest[]) await listener.receive(d, r, 'poll');
  const mfa = await listener.find(signIn.challenge.challengeId, 10_000);
  if (!mfa) throw new Error('the My Account sign-in push did not reach this device');
  const ok = await listener.answer(mfa.push.challengeId, 'approve', signIn.challenge.number);
  if (ok.status !== 200) throw new Error(`My Account sign-in push: ${ok.status} ${JSON.stringify(ok.body)}`);
  // The approval ends the sign-in; the session cookie comes with the browser's next look at it.
  const status = await signIn.browser.status(signIn.flowId);
  if (status.body.status !== 'signed_in') throw new Error(`My Account sign-in ended ${JSON.stringify(status.body)}`);
  const number = await signIn.browser.passwordlessSetupNumber();
  if (!number) throw new Error('My Account shows no passwordless setup number');
  return number;
}

function readLine(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => rl.question(prompt, (answer) => (rl.close(), resolve(answer.trim()))));
}

async function command(flags: Flags, type: 'passwordless_disable' | 'unenroll'): Promise<void> {
  const state = readState(stateFile(flags));
  const stored = selectOne(state, flags.account);
  const d = await SoftDevice.restore(stored);
  const res = await d.command(type);
  emit({ event: type === 'unenroll' ? 'removed' : 'passwordless_disabled', deviceId: d.deviceId, upn: d.account.upn, status: res.status, ...(res.status === 200 ? {} : { error: res.body.error, message: res.body.message }) });
  if (type === 'unenroll' && (res.status === 200 || res.body.error === 'device_revoked')) return writeState(stateFile(flags), dropAccount(state, d.deviceId));
  if (res.status !== 200) process.exitCode = 1;
  save(flags, d);
}

function accounts(flags: Flags): void {
  for (const a of readState(stateFile(flags)).accounts) {
    emit({ deviceId: a.account.deviceId, upn: a.account.upn, tenant: a.account.tenant, origin: a.origin, deviceName: a.deviceName, clientVersion: a.clientVersion });
  }
}

async function main(argv: string[]): Promise<void> {
  const { values: flags, positionals } = parse(argv);
  const [cmd, ...rest] = positionals;
  if (flags.help || !cmd || cmd === 'help') return void process.stdout.write(HELP);
  switch (cmd) {
    case 'enroll':
      return enroll(flags, rest);
    case 'listen':
      return listen(flags);
    case 'passwordless-setup':
      return passwordlessSetup(flags);
    case 'passwordless-disable':
      return command(flags, 'passwordless_disable');
    case 'remove':
      return command(flags, 'unenroll');
    case 'accounts':
      return accounts(flags);
    case 'check':
      return check(flags, rest);
    default:
      throw new UsageError(`unknown command "${cmd}" (enroll, listen, passwordless-setup, passwordless-disable, remove, accounts, check)`);
  }
}

main(process.argv.slice(2)).then(
  () => {},
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`pushkey-authenticator: ${e.message}\nRun pushkey-authenticator --help for the flags.\n`);
      process.exitCode = 2;
    } else if (e instanceof PushkeyError) {
      process.stderr.write(`pushkey-authenticator: ${e.code}: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`pushkey-authenticator: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);

