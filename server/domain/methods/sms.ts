// SMS: a phone number added and verified in My Account, then one-time codes for SMS sign-in
// and for SMS as a second factor. Codes are 6 digits from the CSPRNG (deps.random), valid
// 5 minutes, stored hashed, single use (consumed by one conditional write), with attempts
// capped per code and sends limited per user and per number. Delivery goes through a
// provider: the lab outbox (default) or a webhook to a real gateway.
import { timingSafeEqual } from 'node:crypto';
import type { PhoneView, SentCode } from '../../../protocol/http/methods.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { actorOf, type Actor } from '../monitoring/audit.ts';
import { hashSecret, newId, type Deps } from '../deps.ts';
import { atomically } from '../unit-of-work.ts';
import { getSmsPolicy, targets } from './method-policy.ts';
import { assertMayRegister, methodChanged } from './registration.ts';
import type { OutboxMessage, Phone, Session, SmsCode, User } from '../types.ts';
import { recordPasswordFailure } from '../users/users.ts';

export const SMS_LIMITS = {
  codeLength: 6,
  /** NIST SP 800-63B-4 §3.1.3: an out-of-band secret is valid for at most 10 minutes; we use 5. */
  codeLifetimeMs: 5 * 60_000,
  /** Wrong codes accepted per code before it is spent. */
  maxAttempts: 5,
  /** Sends per user, and per number, within the window. */
  sendWindowMs: 15 * 60_000,
  maxSendsPerUser: 5,
  maxSendsPerNumber: 5,
};

/** Delivers a text message. The lab provider writes it to the outbox; a real one hands it to a gateway. */
export interface SmsProvider {
  readonly name: string;
  send(message: { to: string; text: string; userId: string | null }): Promise<void>;
}

/** The default provider: the message lands in the outbox, which the portal's lab "phone" page shows. */
export const labSmsProvider = (d: Pick<Deps, 'repo' | 'clock' | 'random'>): SmsProvider => ({
  name: 'lab',
  async send(m) {
    const message: OutboxMessage = { id: newId(d), at: d.clock.now(), channel: 'sms', to: m.to, userId: m.userId, text: m.text };
    await d.repo.appendOutbox(message);
  },
});

const providerOf = (d: Deps): SmsProvider => d.sms ?? labSmsProvider(d);

export { PhoneNumber, SmsCodeInput } from '../../../protocol/http/methods.ts';

/** "+•••••••••67": enough for a person to recognise the number, not to learn it. */
export const maskNumber = (n: string): string => '+' + '•'.repeat(Math.max(0, n.length - 3)) + n.slice(-2);

export type { PhoneView, SentCode } from '../../../protocol/http/methods.ts';
export const phoneView = (p: Phone): PhoneView => ({ number: p.number, masked: maskNumber(p.number), verified: p.verifiedAt !== null, createdAt: p.createdAt, verifiedAt: p.verifiedAt, lastUsedAt: p.lastUsedAt });

/**
 * Whether SMS may be used by this user at all (policy) and for sign-in on its own. SMS sign-in
 * never stands in for a stronger method the user has: with an authenticator or a passkey, the
 * code alone (one restricted factor) does not sign in; it stays a second factor after the password.
 */
export async function smsRights(d: Deps, user: User): Promise<{ register: boolean; secondFactor: boolean; signIn: boolean }> {
  const policy = await getSmsPolicy(d.repo);
  const phone = await d.repo.getUserPhone(user.id);
  const allowed = targets(policy, user);
  const ready = allowed && phone?.verifiedAt != null;
  const signIn = ready && policy.useForSignIn && !(await hasStrongerMethod(d, user));
  return { register: allowed, secondFactor: ready, signIn };
}

/** An active authenticator or a passkey: each proves possession by a signature, which a text message does not. */
export async function hasStrongerMethod(d: Deps, user: User): Promise<boolean> {
  const [devices, passkeys] = await Promise.all([d.repo.listUserDevices(user.id), d.repo.listUserPasskeys(user.id)]);
  return passkeys.length > 0 || devices.some((dev) => dev.revokedAt === null);
}

const hashCode = (codeId: string, code: string) => hashSecret(`${codeId}:${code}`);


/** Creates a code and sends it: refuses past the per-user or per-number limit, before anything is sent. */
async function sendCode(d: Deps, user: User, phone: string, purpose: SmsCode['purpose'], flowId: string | null): Promise<SentCode> {
  const now = d.clock.now();
  const minutes = SMS_LIMITS.sendWindowMs / 60_000;
  const digits = SMS_LIMITS.codeLength;
  // Uniform over all 10^6 codes, leading zeros included.
  const code = String(d.random.int(0, 10 ** digits)).padStart(digits, '0');
  const id = newId(d);
  const row: SmsCode = { id, userId: user.id, phone, purpose, flowId, codeHash: hashCode(id, code), createdAt: now, expiresAt: now + SMS_LIMITS.codeLifetimeMs, attempts: 0, usedAt: null };
  // The rate limit is the first thing that can refuse, and it is checked and recorded in one atomic step.
  const refused = await d.repo.createSmsCodeWithin(row, { since: now - SMS_LIMITS.sendWindowMs, maxPerUser: SMS_LIMITS.maxSendsPerUser, maxPerNumber: SMS_LIMITS.maxSendsPerNumber });
  if (refused === 'user') {
    throw new PushkeyError('rate_limited', `Too many text messages for this account: at most ${SMS_LIMITS.maxSendsPerUser} in ${minutes} minutes. Wait, or use another method.`);
  }
  if (refused === 'number') {
    throw new PushkeyError('rate_limited', `Too many text messages to this number: at most ${SMS_LIMITS.maxSendsPerNumber} in ${minutes} minutes. Wait, or use another method.`);
  }
  const what = purpose === 'verify' ? 'verification code' : 'sign-in code';
  await providerOf(d).send({ to: phone, userId: user.id, text: `${code} is your pushkey ${what}. It expires in 5 minutes. Never share it: pushkey will never call you to ask for it.` });
  return { codeId: id, to: maskNumber(phone), expiresAt: row.expiresAt };
}

/**
 * Checks a typed code: counts the attempt first (capped, one conditional write), then
 * compares, then consumes (one conditional write: a replay or a concurrent twin loses).
 */
async function checkCode(d: Deps, user: User, codeId: string, typed: string, expect: { purpose: SmsCode['purpose']; flowId: string | null }): Promise<SmsCode> {
  const spent = new PushkeyError('code_invalid', 'That code has expired, was already used, or had too many wrong tries. Send a new code.');
  const row = await d.repo.getSmsCode(codeId);
  if (!row || row.userId !== user.id || row.purpose !== expect.purpose || row.flowId !== expect.flowId) throw spent;
  const now = d.clock.now();
  const counted = await d.repo.attemptSmsCode(codeId, SMS_LIMITS.maxAttempts, now);
  if (!counted) throw spent;
  const a = Buffer.from(hashCode(codeId, typed));
  const b = Buffer.from(row.codeHash);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    const left = SMS_LIMITS.maxAttempts - counted.attempts;
    const message = left > 0 ? `That code is wrong. ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'That code is wrong, and it had too many wrong tries. Send a new code.';
    throw new PushkeyError('code_invalid', message, { triesLeft: left });
  }
  if (!(await d.repo.consumeSmsCode(codeId, now))) throw spent;
  return row;
}

// ---- My Account: add, verify, remove the phone ----

/** Stores the number unverified and texts it a verification code. */
export async function addPhone(d: Deps, session: Session, user: User, number: string): Promise<SentCode> {
  await assertMayRegister(d, session, user);
  const policy = await getSmsPolicy(d.repo);
  if (!targets(policy, user)) throw new PushkeyError('method_not_allowed', 'Your organization does not allow SMS for your account.');
  const current = await d.repo.getUserPhone(user.id);
  if (current?.verifiedAt) throw new PushkeyError('conflict', 'You already have a phone number. Delete it first to add another one.');
  const sent = await sendCode(d, user, number, 'verify', null);
  await d.repo.replacePhone({ userId: user.id, number, createdAt: d.clock.now(), verifiedAt: null, lastUsedAt: null });
  return sent;
}

/** The code texted to the new number proves it reaches the user; only then is it a method. */
export async function verifyPhone(d: Deps, session: Session, user: User, codeId: string, code: string, ip: string): Promise<PhoneView> {
  await assertMayRegister(d, session, user);
  const phone = await d.repo.getUserPhone(user.id);
  if (!phone || phone.verifiedAt) throw new PushkeyError('conflict', 'There is no phone number waiting for verification. Add the number again.');
  const row = await checkCode(d, user, codeId, code, { purpose: 'verify', flowId: null });
  if (row.phone !== phone.number) throw new PushkeyError('code_invalid', 'That code was sent to another number. Send a new code.');
  const now = d.clock.now();
  const view = phoneView({ ...phone, verifiedAt: now });
  await atomically(d, async (tx) => {
    await tx.repo.updatePhone(user.id, { verifiedAt: now });
    await methodChanged(tx, actorOf(user, ip), user, {
      action: 'phone.added',
      target: { type: 'user', id: user.id },
      after: { number: view.masked },
      notice: `The phone number ${view.masked} was added to your account as a sign-in method`,
    });
  });
  return view;
}

export async function removePhone(d: Deps, actor: Actor, user: User): Promise<void> {
  await atomically(d, async (tx) => {
    const phone = await tx.repo.getUserPhone(user.id);
    if (!phone) throw new PushkeyError('not_found', 'There is no phone number on this account.');
    if (!(await tx.repo.deleteUserPhone(user.id))) return;
    if (!phone.verifiedAt) return; // an unverified number was never a method: nothing to announce
    await methodChanged(tx, actor, user, {
      action: 'phone.removed',
      target: { type: 'user', id: user.id },
      before: { number: maskNumber(phone.number) },
      notice: `The phone number ${maskNumber(phone.number)} was removed from your account`,
    });
  });
}

// ---- Sign-in: send a code to the verified number, then check it ----

export async function sendSignInCode(d: Deps, user: User, flowId: string, asSecondFactor: boolean): Promise<SentCode> {
  const rights = await smsRights(d, user);
  if (!(asSecondFactor ? rights.secondFactor : rights.signIn)) throw new PushkeyError('method_not_allowed', 'SMS sign-in is not available for this account.');
  const phone = (await d.repo.getUserPhone(user.id))!;
  return sendCode(d, user, phone.number, 'signin', flowId);
}

export async function checkSignInCode(d: Deps, user: User, flowId: string, codeId: string, code: string): Promise<void> {
  try {
    await checkCode(d, user, codeId, code, { purpose: 'signin', flowId });
  } catch (err) {
    // A wrong code also counts toward the account's lockout, as a wrong password or pass does:
    // the per-code cap and the send limit alone would allow 2,400 guesses a day.
    const wrong = err instanceof PushkeyError && err.details?.triesLeft !== undefined;
    if (wrong && (await recordPasswordFailure(d, user))) {
      throw new PushkeyError('locked_out', 'Too many failed attempts. Try again later.');
    }
    throw err;
  }
  await d.repo.updatePhone(user.id, { lastUsedAt: d.clock.now() });
  // A right code ends a run of failures, as a right password does.
  if (user.passwordFailures !== 0) await d.repo.updateUser(user.id, { passwordFailures: 0 });
}
