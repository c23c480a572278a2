// Passkey ceremonies as the browser sends them: @simplewebauthn/browser's JSON answers (the
// shape only; the server checks the bytes). The options the server hands out are passed to
// the browser untouched.
import * as v from 'valibot';

const B64u = (max: number, what: string) =>
  v.pipe(v.string(), v.minLength(1, `${what} is required`), v.maxLength(max, `${what} is at most ${max} characters`), v.regex(/^[A-Za-z0-9_-]+$/, `${what} must be base64url`));
const Transports = v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(32))), v.maxLength(10)));
const Attachment = v.optional(v.picklist(['platform', 'cross-platform']));
const Extensions = v.optional(v.record(v.string(), v.unknown()), {});

export const RegistrationResponse = v.object({
  id: B64u(1400, 'id'),
  rawId: B64u(1400, 'rawId'),
  type: v.literal('public-key'),
  response: v.object({
    clientDataJSON: B64u(4096, 'clientDataJSON'),
    attestationObject: B64u(12_000, 'attestationObject'),
    transports: Transports,
    publicKeyAlgorithm: v.optional(v.number()),
    publicKey: v.optional(B64u(2048, 'publicKey')),
    authenticatorData: v.optional(B64u(4096, 'authenticatorData')),
  }),
  authenticatorAttachment: Attachment,
  clientExtensionResults: Extensions,
});
export type RegistrationResponse = v.InferOutput<typeof RegistrationResponse>;

export const AuthenticationResponse = v.object({
  id: B64u(1400, 'id'),
  rawId: B64u(1400, 'rawId'),
  type: v.literal('public-key'),
  response: v.object({
    clientDataJSON: B64u(4096, 'clientDataJSON'),
    authenticatorData: B64u(4096, 'authenticatorData'),
    signature: B64u(1024, 'signature'),
    userHandle: v.optional(v.pipe(v.string(), v.maxLength(128), v.regex(/^[A-Za-z0-9_-]*$/, 'userHandle must be base64url'))),
  }),
  authenticatorAttachment: Attachment,
  clientExtensionResults: Extensions,
});
export type AuthenticationResponse = v.InferOutput<typeof AuthenticationResponse>;

/** PublicKeyCredentialCreationOptionsJSON or …RequestOptionsJSON, handed to the browser's dialog as is. */
export const CeremonyOptions = v.unknown();
