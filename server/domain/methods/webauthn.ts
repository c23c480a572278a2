// The one file that knows @simplewebauthn/server: ceremony options and response
// verification for passkeys. Everything else speaks our own types, so the library can be
// replaced here alone. Verification never throws anything but a PushkeyError with a code.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AuthenticationResponse, RegistrationResponse } from '../../../protocol/http/webauthn.ts';
import { bufferOf, fromB64u, toB64u } from '../../../protocol/encoding.ts';
import { PushkeyError } from '../../../protocol/errors.ts';

export type CreationOptions = PublicKeyCredentialCreationOptionsJSON;
export type RequestOptions = PublicKeyCredentialRequestOptionsJSON;

export { AuthenticationResponse, RegistrationResponse } from '../../../protocol/http/webauthn.ts';

/** Where the ceremonies happen: the relying party is this server's origin. */
export interface RelyingParty {
  origin: string;
  /** The origin's host name (WebAuthn's RP ID). */
  id: string;
  name: string;
}
export const relyingParty = (origin: string, name: string): RelyingParty => ({ origin, id: new URL(origin).hostname, name });

export const CEREMONY_TIMEOUT_MS = 5 * 60_000;

export function registrationOptions(rp: RelyingParty, o: {
  challenge: Uint8Array;
  user: { id: string; name: string; displayName: string };
  exclude: Array<{ credentialId: string; transports: string[] }>;
  userVerification: 'required' | 'preferred';
  attestation: 'none' | 'direct';
}): Promise<CreationOptions> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: o.user.name,
    userDisplayName: o.user.displayName,
    userID: bufferOf(fromB64u(o.user.id) ?? new TextEncoder().encode(o.user.id)),
    challenge: bufferOf(o.challenge),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: o.attestation,
    excludeCredentials: o.exclude.map((c) => ({ id: c.credentialId, transports: c.transports })),
    // A passkey is a discoverable credential: it can sign in without a typed user name.
    authenticatorSelection: { residentKey: 'required', userVerification: o.userVerification },
  });
}

export interface NewCredential {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  aaguid: string;
  backedUp: boolean;
  userVerified: boolean;
}

export async function verifyRegistration(rp: RelyingParty, response: RegistrationResponse, expectedChallenge: string, requireUserVerification: boolean): Promise<NewCredential> {
  let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification,
    });
  } catch (err) {
    throw new PushkeyError('bad_request', `The passkey could not be registered: ${(err as Error).message}`);
  }
  if (!result.verified) throw new PushkeyError('bad_request', 'The passkey could not be registered: its attestation did not verify');
  const info = result.registrationInfo;
  return {
    credentialId: info.credential.id,
    publicKey: toB64u(info.credential.publicKey),
    counter: info.credential.counter,
    transports: info.credential.transports ?? response.response.transports ?? [],
    aaguid: info.aaguid,
    backedUp: info.credentialBackedUp,
    userVerified: info.userVerified,
  };
}

export function authenticationOptions(rp: RelyingParty, o: {
  challenge: Uint8Array;
  allow: Array<{ credentialId: string; transports: string[] }>;
  userVerification: 'required' | 'preferred';
}): Promise<RequestOptions> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    challenge: bufferOf(o.challenge),
    timeout: CEREMONY_TIMEOUT_MS,
    allowCredentials: o.allow.map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: o.userVerification,
  });
}

export async function verifyAuthentication(
  rp: RelyingParty,
  response: AuthenticationResponse,
  expectedChallenge: string,
  credential: { credentialId: string; publicKey: string; counter: number; transports: string[] },
  requireUserVerification: boolean,
): Promise<{ newCounter: number; userVerified: boolean }> {
  const publicKey = fromB64u(credential.publicKey);
  if (!publicKey) throw new TypeError('verifyAuthentication: stored publicKey is not base64url');
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: credential.credentialId, publicKey: bufferOf(publicKey), counter: credential.counter, transports: credential.transports as never },
      requireUserVerification,
    });
  } catch (err) {
    throw new PushkeyError('signature_invalid', `The passkey's answer did not verify: ${(err as Error).message}`);
  }
  if (!result.verified) throw new PushkeyError('signature_invalid', "The passkey's signature did not verify");
  return { newCounter: result.authenticationInfo.newCounter, userVerified: result.authenticationInfo.userVerified };
}
