// What a sign-in proved, in the words apps read: `amr` values from RFC 8176 and an `acr`
// level. The session records each method that was satisfied; nothing here claims more than
// those methods proved.
//
//   password         pwd         something the user knows
//   authenticator    swk, user   the extension's WebCrypto key is a software key (not a
//   passwordless     swk, user   hardware one), and the user approved by typing the number
//   tap              otp         a Temporary Access Pass is a one-time code
//   sms              sms         a code texted to the registered phone
//   passkey          pop         proof of possession of a key bound to this origin
//   passkey_uv       user        ... and the authenticator verified the user (PIN or biometric)
//   app_lock         pin         the extension's app lock was opened for the approval (its PIN)
//   mfa                          only when two different factors were shown
//
// `hwk` (a key proven to be held in hardware) is never claimed: passkeys are registered without
// attestation, so nothing proves where their key lives, and a synced passkey is in software.
//
// The levels (sfa < mfa < phr) are protocol/acr.ts's.
import { ACR, ACR_LADDER, type Acr } from '../../../protocol/acr.ts';

export { ACR, ACR_LADDER, type Acr } from '../../../protocol/acr.ts';

type Factor = 'knowledge' | 'possession' | 'inherence';

const METHODS: Record<string, { amr: string[]; factor?: Factor }> = {
  password: { amr: ['pwd'], factor: 'knowledge' },
  authenticator: { amr: ['swk', 'user'], factor: 'possession' },
  passwordless: { amr: ['swk', 'user'], factor: 'possession' },
  tap: { amr: ['otp'], factor: 'knowledge' },
  sms: { amr: ['sms'], factor: 'possession' },
  passkey: { amr: ['pop'], factor: 'possession' },
  // WebAuthn's user verification is a PIN or a biometric on the authenticator: which one, it does not say.
  passkey_uv: { amr: ['user'], factor: 'inherence' },
  app_lock: { amr: ['pin'], factor: 'knowledge' },
};

export interface Assurance {
  amr: string[];
  acr: Acr;
}

/** The amr and acr that a session established by these methods may claim. */
export function assuranceOf(methods: readonly string[]): Assurance {
  const amr = new Set<string>();
  const factors = new Set<Factor>();
  for (const m of methods) {
    const known = METHODS[m];
    if (!known) continue;
    for (const a of known.amr) amr.add(a);
    if (known.factor) factors.add(known.factor);
  }
  const multi = factors.size >= 2;
  if (multi) amr.add('mfa');
  const acr = multi && methods.includes('passkey') ? ACR.phr : multi ? ACR.mfa : ACR.sfa;
  return { amr: [...amr].sort(), acr };
}

const rank = (acr: string): number => ACR_LADDER.indexOf(acr as Acr);

/** Whether a session at `acr` meets a request for any of `requested` (the ones this server knows; an unknown value alone is met by the weakest). */
export function meetsAcr(acr: string, requested: readonly string[]): boolean {
  const known = requested.map(rank).filter((r) => r >= 0);
  if (known.length === 0) return true;
  return rank(acr) >= Math.min(...known);
}

/** The weakest level that meets the request: what the sign-in page must reach. */
export function requiredAcr(requested: readonly string[]): Acr | null {
  const known = requested.map(rank).filter((r) => r >= 0);
  return known.length ? ACR_LADDER[Math.min(...known)]! : null;
}
