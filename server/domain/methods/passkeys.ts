// Passkeys (FIDO2 / WebAuthn): register in My Account (named, listed, deleted), sign in with
// one, with or without a typed user name. The relying party is this server's origin; each
// ceremony's challenge comes from deps.random and is consumed by one conditional write, so
// a replayed answer loses. The WebAuthn checks themselves live in webauthn.ts.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { PasskeyView } from '../../../protocol/http/methods.ts';
import { toB64u } from '../../../protocol/encoding.ts';
import { actorOf, type Actor } from '../monitoring/audit.ts';
import { newId, type Deps } from '../deps.ts';
import { atomically } from '../unit-of-work.ts';
import { tenantName } from '../authenticator/enrollment.ts';
import { getPasskeyPolicy, targets } from './method-policy.ts';
import { assertMayRegister, methodChanged } from './registration.ts';
import type { Passkey, Session, User, WebAuthnChallenge } from '../types.ts';
import {
  authenticationOptions,
  CEREMONY_TIMEOUT_MS,
  registrationOptions,
  relyingParty,
  verifyAuthentication,
  verifyRegistration,
  type AuthenticationResponse,
  type CreationOptions,
  type RegistrationResponse,
  type RequestOptions,
} from './webauthn.ts';

export type { PasskeyView } from '../../../protocol/http/methods.ts';
export const passkeyView = (p: Passkey): PasskeyView => ({ id: p.id, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt, backedUp: p.backedUp, aaguid: p.aaguid });

const rp = async (d: Deps) => relyingParty(d.origin, await tenantName(d));

async function newCeremony(d: Deps, purpose: WebAuthnChallenge['purpose'], userId: string | null, flowId: string | null): Promise<{ id: string; bytes: Uint8Array }> {
  const bytes = d.random.bytes(32);
  const now = d.clock.now();
  const id = newId(d);
  await d.repo.createWebAuthnChallenge({ id, userId, flowId, purpose, challenge: toB64u(bytes), createdAt: now, expiresAt: now + CEREMONY_TIMEOUT_MS, usedAt: null });
  return { id, bytes };
}

/** Takes the ceremony's challenge: once, before it expires, for this purpose and user or flow. */
async function takeCeremony(d: Deps, id: string, purpose: WebAuthnChallenge['purpose'], owner: { userId?: string; flowId?: string }): Promise<WebAuthnChallenge> {
  const c = await d.repo.consumeWebAuthnChallenge(id, d.clock.now());
  if (!c) throw new PushkeyError('challenge_consumed', 'This passkey request was already used or has expired. Try again.');
  if (c.purpose !== purpose || (owner.userId !== undefined && c.userId !== owner.userId) || (owner.flowId !== undefined && c.flowId !== owner.flowId)) {
    throw new PushkeyError('challenge_unknown', 'This passkey request belongs to another sign-in. Try again.');
  }
  return c;
}

export async function passkeyRights(d: Deps, user: User): Promise<{ register: boolean; signIn: boolean }> {
  const allowed = targets(await getPasskeyPolicy(d.repo), user);
  return { register: allowed, signIn: allowed && (await d.repo.listUserPasskeys(user.id)).length > 0 };
}

// ---- Registration (My Account) ----

export async function startPasskeyRegistration(d: Deps, session: Session, user: User): Promise<{ ceremonyId: string; options: CreationOptions }> {
  await assertMayRegister(d, session, user);
  const policy = await getPasskeyPolicy(d.repo);
  if (!targets(policy, user)) throw new PushkeyError('method_not_allowed', 'Your organization does not allow passkeys for your account.');
  const existing = await d.repo.listUserPasskeys(user.id);
  const ceremony = await newCeremony(d, 'register', user.id, null);
  const options = await registrationOptions(await rp(d), {
    challenge: ceremony.bytes,
    user: { id: user.id, name: user.upn, displayName: user.displayName },
    exclude: existing.map((p) => ({ credentialId: p.credentialId, transports: p.transports })),
    userVerification: policy.userVerification,
    attestation: policy.attestation,
  });
  return { ceremonyId: ceremony.id, options };
}

export async function finishPasskeyRegistration(d: Deps, session: Session, user: User, input: { ceremonyId: string; name: string; response: RegistrationResponse }, ip: string): Promise<PasskeyView> {
  await assertMayRegister(d, session, user);
  const policy = await getPasskeyPolicy(d.repo);
  if (!targets(policy, user)) throw new PushkeyError('method_not_allowed', 'Your organization does not allow passkeys for your account.');
  const ceremony = await takeCeremony(d, input.ceremonyId, 'register', { userId: user.id });
  const cred = await verifyRegistration(await rp(d), input.response, ceremony.challenge, policy.userVerification === 'required');
  const passkey: Passkey = {
    id: newId(d),
    userId: user.id,
    credentialId: cred.credentialId,
    publicKey: cred.publicKey,
    counter: cred.counter,
    transports: cred.transports,
    name: input.name,
    aaguid: cred.aaguid,
    backedUp: cred.backedUp,
    createdAt: d.clock.now(),
    lastUsedAt: null,
  };
  const view = passkeyView(passkey);
  await atomically(d, async (tx) => {
    if (await tx.repo.getPasskeyByCredentialId(cred.credentialId)) throw new PushkeyError('conflict', 'This passkey is already registered.');
    await tx.repo.createPasskey(passkey);
    await methodChanged(tx, actorOf(user, ip), user, {
      action: 'passkey.added',
      target: { type: 'passkey', id: passkey.id },
      after: view,
      notice: `A passkey named “${passkey.name}” was added to your account`,
    });
  });
  return view;
}

export async function deletePasskey(d: Deps, actor: Actor, user: User, passkeyId: string): Promise<void> {
  await atomically(d, async (tx) => {
    const passkey = (await tx.repo.listUserPasskeys(user.id)).find((p) => p.id === passkeyId);
    if (!passkey) throw new PushkeyError('not_found', 'No such passkey.');
    if (!(await tx.repo.deletePasskey(passkey.id))) return;
    await methodChanged(tx, actor, user, {
      action: 'passkey.deleted',
      target: { type: 'passkey', id: passkey.id },
      before: passkeyView(passkey),
      notice: `The passkey “${passkey.name}” was deleted from your account`,
    });
  });
}

export async function renamePasskey(d: Deps, actor: Actor, user: User, passkeyId: string, name: string): Promise<PasskeyView> {
  const passkey = (await d.repo.listUserPasskeys(user.id)).find((p) => p.id === passkeyId);
  if (!passkey) throw new PushkeyError('not_found', 'No such passkey.');
  const after = passkeyView({ ...passkey, name });
  await atomically(d, async (tx) => {
    await tx.repo.updatePasskey(passkey.id, { name });
    await methodChanged(tx, actor, user, { action: 'passkey.renamed', target: { type: 'passkey', id: passkey.id }, before: passkeyView(passkey), after, notice: `Your passkey “${passkey.name}” was renamed “${name}”`, factor: false });
  });
  return after;
}

// ---- Sign-in ----

type SignInFlow = { id: string; userId: string | null; methods?: string[] };

/**
 * Whether the sign-in needs the authenticator to verify the user (PIN, biometric). Always when
 * the passkey is the first factor: possession alone would be a single factor passing for two
 * (NIST SP 800-63B-4 §3.1.7: a multi-factor cryptographic authenticator is one that verifies
 * its user); after a password, the policy decides ("preferred" by default).
 */
const needsUserVerification = (policy: { userVerification: 'required' | 'preferred' }, flow: SignInFlow) =>
  policy.userVerification === 'required' || !(flow.methods ?? []).includes('password');

/** Options for a sign-in: the user's passkeys when the flow knows the user, any discoverable one otherwise. */
export async function startPasskeySignIn(d: Deps, flow: SignInFlow): Promise<{ ceremonyId: string; options: RequestOptions }> {
  const policy = await getPasskeyPolicy(d.repo);
  if (!policy.enabled) throw new PushkeyError('method_not_allowed', 'Passkey sign-in is turned off for this organization.');
  const ceremony = await newCeremony(d, 'authenticate', flow.userId, flow.id);
  const options = await authenticationOptions(await rp(d), {
    challenge: ceremony.bytes,
    // Every passkey here is discoverable (residentKey: required), so none is listed: a list
    // would tell whoever typed the name that the account exists and which passkeys it has.
    // The answer must still come from the flow's user's passkey (verifyPasskeySignIn).
    allow: [],
    userVerification: needsUserVerification(policy, flow) ? 'required' : 'preferred',
  });
  return { ceremonyId: ceremony.id, options };
}

/**
 * Verifies a sign-in answer, in order: the ceremony is taken (a replay loses here), the
 * credential exists (a deleted passkey is refused), it belongs to the flow's user when the
 * flow has one, policy allows it, the signature and origin verify, the counter moves forward.
 */
export async function verifyPasskeySignIn(d: Deps, flow: SignInFlow, ceremonyId: string, response: AuthenticationResponse): Promise<{ user: User; passkey: Passkey; userVerified: boolean }> {
  const ceremony = await takeCeremony(d, ceremonyId, 'authenticate', { flowId: flow.id });
  const passkey = await d.repo.getPasskeyByCredentialId(response.id);
  if (!passkey) throw new PushkeyError('device_unknown', 'This passkey is not registered here (it may have been deleted). Use another method.');
  if (flow.userId && passkey.userId !== flow.userId) throw new PushkeyError('invalid_credentials', 'This passkey belongs to another account.');
  const user = await d.repo.getUser(passkey.userId);
  if (!user) throw new PushkeyError('device_unknown', 'This passkey is not registered here. Use another method.');
  const policy = await getPasskeyPolicy(d.repo);
  if (!targets(policy, user)) throw new PushkeyError('method_not_allowed', 'Your organization does not allow passkeys for your account.');
  const result = await verifyAuthentication(await rp(d), response, ceremony.challenge, passkey, needsUserVerification(policy, flow));
  // A counter that does not move forward (when the authenticator counts) means a cloned key or a replay.
  if ((result.newCounter > 0 || passkey.counter > 0) && !(await d.repo.advancePasskeyCounter(passkey.id, result.newCounter))) {
    throw new PushkeyError('signature_invalid', `The passkey's signature counter did not move forward (got ${result.newCounter}, had ${passkey.counter}).`);
  }
  await d.repo.updatePasskey(passkey.id, { lastUsedAt: d.clock.now() });
  return { user, passkey, userVerified: result.userVerified };
}
