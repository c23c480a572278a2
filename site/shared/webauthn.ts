// Passkeys in the browser: @simplewebauthn/browser behind the two calls the site makes, so the
// library can be replaced in one place. The browser's own dialog does the rest.
import { startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';

export const passkeysSupported = (): boolean => typeof window.PublicKeyCredential === 'function';

/** A person cancelling the browser's dialog is not an error worth a red message. */
export class PasskeyCancelled extends Error {}

function explain(err: unknown): Error {
  const name = (err as { name?: string })?.name;
  if (name === 'NotAllowedError' || (err instanceof WebAuthnError && err.code === 'ERROR_CEREMONY_ABORTED')) return new PasskeyCancelled('The passkey request was cancelled or timed out. Try again.');
  if (name === 'InvalidStateError') return new Error('This device already holds a passkey for your account.');
  if (name === 'SecurityError') return new Error('Passkeys need this site on https:// or localhost, under its own domain name.');
  return new Error((err as Error)?.message || 'The passkey did not work. Try again.');
}

export async function createPasskey(options: unknown): Promise<RegistrationResponseJSON> {
  try {
    return await startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON });
  } catch (err) {
    throw explain(err);
  }
}

export async function assertPasskey(options: unknown): Promise<AuthenticationResponseJSON> {
  try {
    return await startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });
  } catch (err) {
    throw explain(err);
  }
}
