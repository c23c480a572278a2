// Reading the command line: flags into options, with an error that names the flag.
import { parseArgs } from 'node:util';
import { NO_FAULTS, type Faults } from './faults.ts';
import type { Rule } from './listen.ts';

export class UsageError extends Error {}

export const FLAGS = {
  state: { type: 'string' },
  account: { type: 'string' },
  code: { type: 'string' },
  url: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  name: { type: 'string' },
  'client-version': { type: 'string' },
  capabilities: { type: 'string' },
  'approve-with': { type: 'string' },
  approve: { type: 'boolean' },
  deny: { type: 'boolean' },
  report: { type: 'boolean' },
  control: { type: 'string' },
  count: { type: 'string' },
  number: { type: 'string' },
  'from-my-account': { type: 'boolean' },
  // faults
  'drop-push': { type: 'boolean' },
  'delay-push': { type: 'string' },
  'answer-late': { type: 'string' },
  'wrong-number': { type: 'boolean' },
  'bad-signature': { type: 'boolean' },
  'foreign-signature': { type: 'boolean' },
  replay: { type: 'boolean' },
  'clock-skew': { type: 'string' },
  'close-channel-after': { type: 'string' },
  'reconnect-after': { type: 'string' },
  'poll-only': { type: 'boolean' },
  'poll-interval': { type: 'string' },
  // check
  json: { type: 'boolean' },
  'failure-cap': { type: 'string' },
  'max-wait': { type: 'string' },
  skip: { type: 'string' },
  only: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Flags = ReturnType<typeof parse>['values'];

export function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A whole number of milliseconds (may be negative where it says so). */
export function ms(flags: Flags, name: keyof Flags & string, fallback: number, allowNegative = false): number {
  const text = flags[name];
  if (text === undefined) return fallback;
  if (typeof text !== 'string' || !(allowNegative ? /^-?\d+$/ : /^\d+$/).test(text)) throw new UsageError(`--${name} takes a whole number of milliseconds${allowNegative ? ' (negative: behind)' : ''}, got "${String(text)}"`);
  return Number(text);
}

export function readRule(flags: Flags): Rule {
  const given = [flags['approve-with'] !== undefined, flags.approve, flags.deny, flags.report].filter(Boolean).length;
  if (given > 1) throw new UsageError('give at most one of --approve-with, --approve, --deny, --report');
  if (flags.approve) {
    throw new UsageError('--approve: every pushkey request asks for the number its page shows (protocol §8.1), so there is no kind to approve without one. Use --approve-with <number>, or --control and POST the number the page shows.');
  }
  if (flags['approve-with'] !== undefined) {
    if (!/^\d{2,8}$/.test(flags['approve-with'])) throw new UsageError(`--approve-with takes the 2 to 8 digits to type, got "${flags['approve-with']}"`);
    return { decision: 'approve', number: flags['approve-with'] };
  }
  if (flags.deny) return { decision: 'deny' };
  if (flags.report) return { decision: 'report' };
  return null;
}

export function readFaults(flags: Flags): Faults {
  return {
    dropPush: flags['drop-push'] ?? false,
    delayPushMs: ms(flags, 'delay-push', NO_FAULTS.delayPushMs),
    answerLateMs: flags['answer-late'] === undefined ? null : ms(flags, 'answer-late', 0),
    wrongNumber: flags['wrong-number'] ?? false,
    badSignature: flags['bad-signature'] ?? false,
    foreignSignature: flags['foreign-signature'] ?? false,
    replay: flags.replay ?? false,
    clockSkewMs: ms(flags, 'clock-skew', 0, true),
    closeChannelAfterMs: flags['close-channel-after'] === undefined ? null : ms(flags, 'close-channel-after', 0),
    reconnectMs: ms(flags, 'reconnect-after', NO_FAULTS.reconnectMs),
    pollOnly: flags['poll-only'] ?? false,
    pollIntervalMs: ms(flags, 'poll-interval', NO_FAULTS.pollIntervalMs),
  };
}
