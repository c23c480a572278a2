// The WebAuthn adapter never lets a malformed answer escape as anything but a PushkeyError
// with a 4xx code (noble-curves' rule: outside input never throws out of a verify).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { PushkeyError } from '../../../protocol/errors.ts';
import { AuthenticationResponse, RegistrationResponse, relyingParty, verifyAuthentication, verifyRegistration } from './webauthn.ts';

const rp = relyingParty('http://localhost:3000', 'pushkey Lab');
const b64u = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b).toString('base64url'));

describe('webauthn adapter', () => {
  it('takes the relying party id from the origin', () => {
    expect(relyingParty('https://login.example.test:8443', 'X')).toEqual({ origin: 'https://login.example.test:8443', id: 'login.example.test', name: 'X' });
  });

  it('answers random registrations with bad_request, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(b64u, b64u, b64u, async (id, clientDataJSON, attestationObject) => {
        const response = v.parse(RegistrationResponse, { id, rawId: id, type: 'public-key', response: { clientDataJSON, attestationObject }, clientExtensionResults: {} });
        const err = await verifyRegistration(rp, response, 'Y2hhbGxlbmdl', false).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PushkeyError);
        expect((err as PushkeyError).code).toBe('bad_request');
      }),
      { numRuns: 200 },
    );
  });

  it('answers random assertions with signature_invalid, never another error', async () => {
    const credential = { credentialId: 'AAAA', publicKey: Buffer.from('not a cose key').toString('base64url'), counter: 0, transports: [] };
    await fc.assert(
      fc.asyncProperty(b64u, b64u, b64u, async (clientDataJSON, authenticatorData, signature) => {
        const response = v.parse(AuthenticationResponse, { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON, authenticatorData, signature }, clientExtensionResults: {} });
        const err = await verifyAuthentication(rp, response, 'Y2hhbGxlbmdl', credential, false).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PushkeyError);
        expect((err as PushkeyError).code).toBe('signature_invalid');
      }),
      { numRuns: 200 },
    );
  });
});
