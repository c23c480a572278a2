// The tenant's policies: each a name, a schema and a label, read by helpdesk and policy
// admins and written by policy admins. Defaults live with the server (domain/policy-registry.ts).
import * as v from 'valibot';
import { Label } from '../fields.ts';
import { SEMVER_RE } from '../version.ts';
import { route } from './route.ts';

const Group = v.pipe(Label(64), v.minLength(1));
const Whole = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

export const Target = v.object({
  /** true: all users; false: only members of includeGroups. */
  allUsers: v.boolean(),
  includeGroups: v.pipe(v.array(Group), v.maxLength(100)),
  /** Exclusions win over inclusions, as in Entra. */
  excludeGroups: v.pipe(v.array(Group), v.maxLength(100)),
});

export const AuthenticatorPolicy = v.object({
  enabled: v.boolean(),
  target: Target,
  mode: v.picklist(['any', 'push', 'passwordless']),
  /** 2 as in Entra; 6 for NIST SP 800-63B-4's six decimal digits; 7 or more is the strict mode (over 20 bits, OWASP ASVS 5.0). */
  numberLength: Whole(2, 8),
  showApplication: v.boolean(),
  showLocation: v.boolean(),
  minClientVersion: v.pipe(v.string(), v.regex(SEMVER_RE, 'minClientVersion looks like 1.2.3')),
  requestLifetimeSeconds: Whole(30, 600),
  /** Consecutive wrong numbers before the user is locked out for a while. */
  maxNumberFailures: Whole(1, 50),
  /**
   * An approval needs the authenticator's app lock (its PIN): possession and knowledge, so
   * that a passwordless sign-in is two factors. Off, an approval proves possession alone.
   */
  requireAppLock: v.boolean(),
});
export type AuthenticatorPolicy = v.InferOutput<typeof AuthenticatorPolicy>;

export const TapPolicy = v.pipe(
  v.object({
    enabled: v.boolean(),
    // Entra's bounds: 10 minutes to 30 days.
    minLifetimeMinutes: Whole(10, 43_200),
    maxLifetimeMinutes: Whole(10, 43_200),
    defaultLifetimeMinutes: Whole(10, 43_200),
    oneTimeByDefault: v.boolean(),
    length: Whole(8, 48),
  }),
  v.check(
    (p) => p.minLifetimeMinutes <= p.defaultLifetimeMinutes && p.defaultLifetimeMinutes <= p.maxLifetimeMinutes,
    'the default lifetime must lie between the minimum and the maximum',
  ),
);
export type TapPolicy = v.InferOutput<typeof TapPolicy>;

export const MonitoringPolicy = v.object({
  /** Push fatigue: this many denied or unanswered requests … */
  fatigueCount: Whole(1, 100),
  /** … within this many minutes raise an alert. */
  fatigueWindowMinutes: Whole(1, 1440),
  /** Throttle: at most this many requests waiting for an answer at once per user … */
  throttleOutstanding: Whole(1, 20),
  /** … and at most this many new requests per user per window. */
  throttlePerWindow: Whole(1, 500),
  throttleWindowMinutes: Whole(1, 1440),
  /** Alert on a successful sign-in from an IP address or location the user never signed in from. */
  alertNewLocation: v.boolean(),
  /** Sign-in and audit logs older than this are purged. */
  retentionDays: Whole(1, 3650),
  /** After "No, it's not me", no push reaches the user for this many minutes (0: none paused). */
  reportPauseMinutes: Whole(0, 1440),
});
export type MonitoringPolicy = v.InferOutput<typeof MonitoringPolicy>;

export const PasskeyPolicy = v.object({
  enabled: v.boolean(),
  target: Target,
  /** required: the authenticator must verify the person (PIN, biometrics); preferred: asked, not enforced. */
  userVerification: v.picklist(['required', 'preferred']),
  /** What registration asks the authenticator to prove about its make. none (default): nothing, any passkey is accepted. */
  attestation: v.picklist(['none', 'direct']),
});
export type PasskeyPolicy = v.InferOutput<typeof PasskeyPolicy>;

export const SmsPolicy = v.object({
  enabled: v.boolean(),
  target: Target,
  /** SMS sign-in (the code alone, a single factor) besides SMS as a second factor after the password. */
  useForSignIn: v.boolean(),
});
export type SmsPolicy = v.InferOutput<typeof SmsPolicy>;

export const RegistrationPolicy = v.object({
  /**
   * false (default): a password alone may add the first method, but only while the account is
   * new or was reset by the helpdesk (the onboarding window below); later, a multifactor
   * session or a Temporary Access Pass. true (strict): every method needs one.
   */
  strict: v.boolean(),
  /** How long, from the account's creation or the helpdesk's last password reset, a password alone may add the first method. */
  onboardingDays: Whole(0, 90),
})
export type RegistrationPolicy = v.InferOutput<typeof RegistrationPolicy>;

/** Every policy by name, with what a person calls it. */
export const POLICIES = {
  authenticator: { schema: AuthenticatorPolicy, label: 'Authenticator policy' },
  tap: { schema: TapPolicy, label: 'Temporary Access Pass policy' },
  monitoring: { schema: MonitoringPolicy, label: 'alerts and retention policy' },
  passkey: { schema: PasskeyPolicy, label: 'Passkey (FIDO2) policy' },
  sms: { schema: SmsPolicy, label: 'SMS policy' },
  registration: { schema: RegistrationPolicy, label: 'registration protection' },
} as const;
export type PolicyName = keyof typeof POLICIES;
export type Policies = { [N in PolicyName]: v.InferOutput<(typeof POLICIES)[N]['schema']> };

function policyRoutes<const N extends PolicyName>(name: N) {
  const { schema, label } = POLICIES[name];
  return {
    read: route({
      method: 'GET',
      path: `/api/admin/policies/${name}`,
      summary: `Reads the ${label}.`,
      subject: label,
      access: ['policy_admin', 'helpdesk'],
      answer: schema as (typeof POLICIES)[N]['schema'],
    }),
    save: route({
      method: 'PUT',
      path: `/api/admin/policies/${name}`,
      summary: `Replaces the ${label}; the change is audited.`,
      subject: label,
      access: ['policy_admin'],
      body: schema as (typeof POLICIES)[N]['schema'],
      answer: schema as (typeof POLICIES)[N]['schema'],
    }),
  };
}

export const policyRoutesByName = {
  authenticator: policyRoutes('authenticator'),
  tap: policyRoutes('tap'),
  monitoring: policyRoutes('monitoring'),
  passkey: policyRoutes('passkey'),
  sms: policyRoutes('sms'),
  registration: policyRoutes('registration'),
};
