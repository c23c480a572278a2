// My Account's other sign-in methods: passkeys, the phone for SMS, and the default method.
import * as v from 'valibot';
import { Id, Label } from '../fields.ts';
import { route } from './route.ts';
import { Done, IdParam, Time } from './values.ts';
import { CeremonyOptions, RegistrationResponse } from './webauthn.ts';

export const PasskeyView = v.object({
  id: v.string(),
  name: v.string(),
  createdAt: Time,
  lastUsedAt: v.nullable(Time),
  backedUp: v.boolean(),
  /** Authenticator model id; all zeros when the policy asks no attestation. */
  aaguid: v.string(),
});
export type PasskeyView = v.InferOutput<typeof PasskeyView>;

export const PhoneView = v.object({
  number: v.string(),
  masked: v.string(),
  verified: v.boolean(),
  createdAt: Time,
  verifiedAt: v.nullable(Time),
  lastUsedAt: v.nullable(Time),
});
export type PhoneView = v.InferOutput<typeof PhoneView>;

/** A texted code: its id (sent back with the code) and the masked number it went to. */
export const SentCode = v.object({ codeId: v.string(), to: v.string(), expiresAt: Time });
export type SentCode = v.InferOutput<typeof SentCode>;

export const DefaultMethod = v.picklist(['passkey', 'authenticator', 'sms', 'password']);
export type DefaultMethod = v.InferOutput<typeof DefaultMethod>;

/** E.164 after removing the spaces, dashes, dots and brackets people type: +, then 8 to 15 digits. */
export const PhoneNumber = v.pipe(
  v.string(),
  v.maxLength(32, 'a phone number is at most 32 characters'),
  v.transform((s) => s.replace(/[\s\-.()]/g, '')),
  v.regex(/^\+[1-9]\d{7,14}$/, 'a phone number in international form, starting with + and the country code, e.g. +1 555 123 4567'),
);
export const SmsCodeInput = v.pipe(v.string(), v.trim(), v.regex(/^\d{6,8}$/, 'the code is the 6 digits from the text message'));

const PasskeyName = v.pipe(Label(64), v.trim(), v.minLength(1, 'a passkey name is required'));

export const MySignInMethods = v.object({
  passkeys: v.array(PasskeyView),
  phone: v.nullable(PhoneView),
  rights: v.object({ passkey: v.boolean(), sms: v.boolean() }),
  defaultMethod: v.nullable(DefaultMethod),
  usable: v.array(v.string()),
  /** Why this session may not add a method (registration protection), or null. */
  registrationRefusal: v.nullable(v.string()),
});
export type MySignInMethods = v.InferOutput<typeof MySignInMethods>;

export const methodsRoutes = {
  signInMethods: route({
    method: 'GET', path: '/api/me/sign-in-methods', summary: "The user's passkeys, phone, default method, and whether this session may add one.",
    subject: 'sign-in methods', access: 'session', answer: MySignInMethods,
  }),
  passkeyOptions: route({
    method: 'POST', path: '/api/me/passkeys/options', summary: 'Starts a passkey registration: the options for the browser.',
    subject: 'passkey registration', access: 'session', answer: v.object({ ceremonyId: v.string(), options: CeremonyOptions }),
  }),
  addPasskey: route({
    method: 'POST', path: '/api/me/passkeys', summary: 'Finishes a passkey registration.', subject: 'passkey registration', access: 'session',
    body: v.object({ ceremonyId: Id, name: PasskeyName, response: RegistrationResponse }), answer: PasskeyView, status: 201,
  }),
  renamePasskey: route({
    method: 'PATCH', path: '/api/me/passkeys/:id', summary: 'Renames one of the user\'s passkeys.', subject: 'passkey', access: 'session',
    params: IdParam, body: v.object({ name: PasskeyName }), answer: PasskeyView,
  }),
  deletePasskey: route({
    method: 'DELETE', path: '/api/me/passkeys/:id', summary: 'Deletes one of the user\'s passkeys (registration protection applies).', subject: 'passkey',
    access: 'session', params: IdParam, answer: Done('deleted'),
  }),
  addPhone: route({
    method: 'POST', path: '/api/me/phone', summary: 'Sets the phone number and texts it a verification code.', subject: 'phone number',
    access: 'session', limit: 'signIn', body: v.object({ number: PhoneNumber }), answer: SentCode,
  }),
  verifyPhone: route({
    method: 'POST', path: '/api/me/phone/verify', summary: 'Verifies the phone number with the texted code.', subject: 'verification code',
    access: 'session', limit: 'signIn', body: v.object({ codeId: Id, code: SmsCodeInput }), answer: PhoneView,
  }),
  deletePhone: route({
    method: 'DELETE', path: '/api/me/phone', summary: 'Removes the phone number (registration protection applies once verified).', subject: 'phone number',
    access: 'session', answer: Done('deleted'),
  }),
  setDefaultMethod: route({
    method: 'PUT', path: '/api/me/default-method', summary: 'Sets the method sign-in offers first.', subject: 'default method',
    access: 'session', body: v.object({ method: DefaultMethod }), answer: v.object({ defaultMethod: DefaultMethod }),
  }),
};
