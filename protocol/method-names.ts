// What a person calls each sign-in method: the site's lists and the policy what-if's reasons
// read the same words.
export const METHOD_NAMES: Record<string, string> = {
  password: 'Password',
  authenticator: 'Authenticator app (notification)',
  passwordless: 'Authenticator app (passwordless)',
  tap: 'Temporary Access Pass',
  passkey: 'Passkey',
  passkey_uv: 'PIN or biometric on the passkey',
  app_lock: 'App lock (PIN) on the authenticator',
  sms: 'Text message (SMS)',
};

export const methodName = (m: string): string => METHOD_NAMES[m] ?? m;
