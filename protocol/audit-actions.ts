// Every activity the server writes to the audit log, and how a person reads it. The server
// may emit only these identifiers (audit() takes an AuditAction), so the admin portal never
// has to show a raw one; the identifier itself stays what the log stores and filters on.
export const AUDIT_ACTIONS = {
  'policy.authenticator.updated': 'Authenticator policy updated',
  'policy.tap.updated': 'Temporary Access Pass policy updated',
  'policy.passkey.updated': 'Passkey policy updated',
  'policy.sms.updated': 'SMS policy updated',
  'policy.registration.updated': 'Registration protection updated',
  'policy.monitoring.updated': 'Alert and retention settings updated',
  'user.created': 'User created',
  'user.updated': 'User updated',
  'user.password_reset': 'Password reset',
  'user.default_method': 'Default sign-in method changed',
  'user.other_sessions_ended': 'Other sessions signed out',
  'device.registered': 'Authenticator added',
  'device.passwordless_enabled': 'Passwordless sign-in turned on',
  'device.passwordless_disabled': 'Passwordless sign-in turned off',
  'device.renamed': 'Authenticator renamed',
  'device.revoked': 'Authenticator removed',
  'tap.issued': 'Temporary Access Pass issued',
  'tap.used': 'Temporary Access Pass used',
  'tap.deleted': 'Temporary Access Pass deleted',
  'passkey.added': 'Passkey added',
  'passkey.renamed': 'Passkey renamed',
  'passkey.deleted': 'Passkey deleted',
  'phone.added': 'Phone number added',
  'phone.removed': 'Phone number removed',
  'logs.purged': 'Old log records purged',
  'app.created': 'App registered',
  'app.updated': 'App registration updated',
  'app.secret_rotated': 'App secret rotated',
  'app.deleted': 'App registration deleted',
  'oidc.keys_rotated': 'OpenID signing keys rotated',
  'activation.code_shown': 'Setup code shown ("Can\'t scan image?")',
  'lab.created': 'Classroom lab set up',
  'lab.student_reset': 'Lab student reset',
  'lab.clock_forwarded': 'Lab clock moved forward',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

const WORDS: Readonly<Record<string, string>> = AUDIT_ACTIONS;

/** The activity in words; an identifier this build does not know (an older or newer server's) is shown as it is. */
export const activityName = (action: string): string => WORDS[action] ?? action;
