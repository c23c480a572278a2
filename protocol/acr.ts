// The authentication levels an app may ask for (OpenID Connect acr_values) and a session may
// claim. They form a ladder; a request for one is met by it or by any above it:
//   sfa (one factor) < mfa (two factors) < phr (two factors, one of them a passkey: phishing-resistant)
export const ACR = {
  sfa: 'urn:pushkey:acr:sfa',
  mfa: 'urn:pushkey:acr:mfa',
  phr: 'phr',
} as const;
export type Acr = (typeof ACR)[keyof typeof ACR];
/** Weakest first. */
export const ACR_LADDER: readonly Acr[] = [ACR.sfa, ACR.mfa, ACR.phr];
