// Authentication methods → Policies: the list, the Authenticator settings ("Enable and
// Target", "Configure") and the Temporary Access Pass settings. Only a policy admin saves.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { admin, type AuthenticatorPolicy, type TapPolicy } from '../shared/api.ts';
import { POLICIES, type Policies, type PolicyName } from '../../protocol/http/policies.ts';
import { formatMinutes } from '../shared/format.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { MethodCell } from '../shared/methods.tsx';
import { Badge, Breadcrumb, Button, Checkbox, ErrorNotice, Field, Form, Heading, Icon, Notice, RadioGroup, Spinner, Table, Toggle, type IconName } from '../shared/ui.tsx';
import { useCan } from './can.ts';
import { GroupsInput, useKnownGroups } from './GroupsInput.tsx';

const MODES: { value: AuthenticatorPolicy['mode']; label: string; hint: string }[] = [
  { value: 'any', label: 'Any', hint: 'Push notifications after a password, and passwordless sign-in (“Use an app instead”) on devices set up for it.' },
  { value: 'push', label: 'Push', hint: 'Only push notifications after a password; “Use an app instead” is not offered.' },
  { value: 'passwordless', label: 'Passwordless', hint: 'Only passwordless sign-in; no push notification after a password.' },
];

/** Home › Authentication methods, and › the policy `here` when on one. */
function PoliciesBreadcrumb({ here }: { here?: string }): JSX.Element {
  return here ? (
    <Breadcrumb
      trail={[
        ['#/', 'Home'],
        ['#/authentication-methods/policies', 'Authentication methods'],
      ]}
      here={here}
    />
  ) : (
    <Breadcrumb trail={[['#/', 'Home']]} here="Authentication methods" />
  );
}

export function PoliciesPage(): JSX.Element {
  const auth = useLoad(() => admin.policy('authenticator'));
  const tap = useLoad(() => admin.policy('tap'));
  const passkey = useLoad(() => admin.policy('passkey'));
  const sms = useLoad(() => admin.policy('sms'));
  const registration = useLoad(() => admin.policy('registration'));
  const target = (p: Pick<AuthenticatorPolicy, 'target'>) => (p.target.allUsers ? 'All users' : p.target.includeGroups.join(', ') || 'No groups');
  return (
    <>
      <div class="page-head">
        <PoliciesBreadcrumb />
        <Heading>Authentication methods</Heading>
      </div>
      <div class="tabs" role="presentation">
        <button type="button" aria-selected="true" aria-current="page">
          Policies
        </button>
      </div>
      <section class="panel" aria-labelledby="policies-title">
        <h2 id="policies-title">Policies</h2>
        <p class="muted">Choose which methods people may use to sign in, and who each one targets.</p>
        <ErrorNotice message={auth.error ?? tap.error} />
        <Table columns={['Method', 'Target', 'Enabled']}>
          <PolicyRow slug="authenticator" icon="app" name="Authenticator" policy={auth.data} target={(p) => `${target(p)} · mode ${p.mode}`} />
          <PolicyRow slug="tap" icon="pass" name="Temporary Access Pass" policy={tap.data} target={() => 'Issued per user by the helpdesk'} />
          <PolicyRow slug="passkey" icon="key" name="Passkey (FIDO2)" policy={passkey.data} target={target} />
          <PolicyRow slug="sms" icon="sms" name="SMS" policy={sms.data} target={(p) => `${target(p)}${p.useForSignIn ? ' · sign-in and second factor' : ' · second factor only'}`} />
          <tr>
            <MethodCell icon="password" name="Password" />
            <td>All users</td>
            <td>
              <Badge kind="ok">Yes</Badge>
            </td>
          </tr>
        </Table>
      </section>
      <section class="panel" aria-labelledby="registration-title">
        <div class="panel-head">
          <h2 id="registration-title">Registration protection</h2>
          <a href="#/authentication-methods/policies/registration">Edit</a>
        </div>
        <p>
          {registration.data
            ? registration.data.strict
              ? 'Strict: adding any sign-in method needs a multifactor sign-in or a Temporary Access Pass.'
              : `A password alone may add the first sign-in method within ${registration.data.onboardingDays} days of the account's creation or a helpdesk password reset; anything else needs a stronger sign-in.`
            : '…'}
        </p>
      </section>
    </>
  );
}

/** A row of the policies list: the method (a link to its settings), whom it targets, whether it is on. */
function PolicyRow<T extends { enabled: boolean }>(props: { slug: string; icon: IconName; name: string; policy: T | undefined; target: (p: T) => string }): JSX.Element {
  const p = props.policy;
  return (
    <tr>
      <td>
        <a href={`#/authentication-methods/policies/${props.slug}`} class="method-cell">
          <Icon name={props.icon} />
          {` ${props.name}`}
        </a>
      </td>
      <td>{p ? props.target(p) : '…'}</td>
      <td>{p ? p.enabled ? <Badge kind="ok">Yes</Badge> : <Badge>No</Badge> : '…'}</td>
    </tr>
  );
}

/** Loads a policy into an editable draft, and saves it (audit-logged by the server). */
function useDraft<T>(load: () => Promise<T>, save: (p: T) => Promise<T>) {
  const loaded = useLoad(load);
  const [draft, setDraft] = useState<T | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) setDraft(loaded.data);
  }, [loaded.data]);
  const action = useAction(async () => {
    setSaved(false);
    setDraft(await save(draft!));
    setSaved(true);
  });
  const update = (patch: Partial<T>) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, ...patch } : d));
  };
  return { loaded, draft, update, action, saved, discard: () => (setDraft(loaded.data ?? null), setSaved(false)) };
}

type Target = AuthenticatorPolicy['target'];

/** "Target": all users or selected groups, and the groups excluded (exclusions win). */
function TargetFields({ name, target, onChange, editable }: { name: string; target: Target; onChange: (t: Target) => void; editable: boolean }): JSX.Element {
  const known = useKnownGroups();
  const set = (patch: Partial<Target>) => onChange({ ...target, ...patch });
  return (
    <>
      <RadioGroup
        name={`${name}-target`}
        legend="Target"
        value={target.allUsers ? 'all' : 'groups'}
        onChange={(v) => set({ allUsers: v === 'all' })}
        options={[
          { value: 'all', label: 'All users' },
          { value: 'groups', label: 'Select groups', hint: 'Only members of the groups below.' },
        ]}
      />
      {!target.allUsers && (
        <GroupsInput id={`${name}-include-groups`} label="Include groups" value={target.includeGroups} onChange={(includeGroups) => set({ includeGroups })} known={known} disabled={!editable} />
      )}
      <GroupsInput
        id={`${name}-exclude-groups`}
        label="Exclude"
        hint="Members of these groups are never targeted, even when a group above includes them."
        value={target.excludeGroups}
        onChange={(excludeGroups) => set({ excludeGroups })}
        known={known}
        disabled={!editable}
      />
    </>
  );
}

export function AuthenticatorPolicyPage(): JSX.Element {
  return (
    <MethodPolicyPage
      name="authenticator"
      here="Authenticator"
      title="Authenticator settings"
      intro="The pushkey Authenticator extension: push notifications with number matching, and passwordless sign-in."
      fields={(p, update, editable) => (
        <>
          <PolicyFieldset legend="Enable and Target" heading editable={editable}>
            <Toggle id="enabled" label="Enable" checked={p.enabled} onChange={(enabled) => update({ enabled })} />
            <TargetFields name="auth" target={p.target} onChange={(target) => update({ target })} editable={editable} />
            <RadioGroup name="mode" legend="Authentication mode" value={p.mode} onChange={(mode) => update({ mode })} options={MODES} />
          </PolicyFieldset>

          <PolicyFieldset legend="Configure" heading editable={editable}>
            <div class="form-grid">
              <div class="field">
                <label for="number-length">Number length</label>
                <select id="number-length" value={String(p.numberLength)} onChange={(e) => update({ numberLength: Number(e.currentTarget.value) })} aria-describedby="number-length-hint">
                  {[2, 3, 4, 5, 6, 7, 8].map((n) => (
                    <option value={n} key={n}>
                      {n} digits{n === 2 ? ' (as in Entra)' : n === 6 ? ' (NIST SP 800-63B-4)' : n === 7 ? ' (strict: over 20 bits, OWASP ASVS 5.0)' : ''}
                    </option>
                  ))}
                </select>
                <p class="hint" id="number-length-hint">
                  The digits the sign-in page shows and the person types in the app, leading zeros included: 2 digits are one of 100 numbers, 7 one of ten million.
                </p>
              </div>
              <Field
                id="min-version"
                label="Minimum client version"
                value={p.minClientVersion}
                onInput={(minClientVersion) => update({ minClientVersion })}
                hint="Older authenticators are refused with “update required”."
                spellcheck={false}
              />
              <Field
                id="lifetime"
                label="Request lifetime (seconds)"
                type="number"
                min={30}
                max={600}
                value={String(p.requestLifetimeSeconds)}
                onInput={(v) => update({ requestLifetimeSeconds: Number(v) })}
              />
              <Field
                id="max-failures"
                label="Wrong numbers before lockout"
                type="number"
                min={1}
                max={50}
                value={String(p.maxNumberFailures)}
                onInput={(v) => update({ maxNumberFailures: Number(v) })}
              />
            </div>
            <Toggle id="show-app" label="Show application name" checked={p.showApplication} onChange={(showApplication) => update({ showApplication })} />
            <Toggle id="show-location" label="Show geographic location" checked={p.showLocation} onChange={(showLocation) => update({ showLocation })} />
            <Toggle id="require-app-lock" label="Require the app lock to approve a sign-in" checked={p.requireAppLock} onChange={(requireAppLock) => update({ requireAppLock })} />
            <p class="hint">
              The person opens the extension's app lock (a PIN of 6 digits or more) before each approval: the sign-in is then two factors, something they have and something they know,
              and the sign-in log and the tokens apps get say so. Without it an approval proves possession alone, and a passwordless sign-in is one factor.
            </p>
          </PolicyFieldset>
        </>
      )}
    />
  );
}

export function TapPolicyPage(): JSX.Element {
  return (
    <MethodPolicyPage
      name="tap"
      here="Temporary Access Pass"
      title="Temporary Access Pass settings"
      intro="A time-limited pass the helpdesk issues to let someone sign in and set up a new authenticator, or sign in when the app is unavailable."
      fields={(p, update, editable) => {
        const minutes = (id: keyof TapPolicy, label: string) => (
          <Field
            id={`tap-${id}`}
            label={label}
            type="number"
            min={10}
            max={43200}
            value={String(p[id])}
            onInput={(v) => update({ [id]: Number(v) } as Partial<TapPolicy>)}
            hint={formatMinutes(Number(p[id]))}
          />
        );
        return (
          <PolicyFieldset legend="Temporary Access Pass" editable={editable}>
            <Toggle id="tap-enabled" label="Enable" checked={p.enabled} onChange={(enabled) => update({ enabled })} />
            <div class="form-grid">
              {minutes('minLifetimeMinutes', 'Minimum lifetime (minutes)')}
              {minutes('maxLifetimeMinutes', 'Maximum lifetime (minutes)')}
              {minutes('defaultLifetimeMinutes', 'Default lifetime (minutes)')}
              <Field id="tap-length" label="Length (characters)" type="number" min={8} max={48} value={String(p.length)} onInput={(v) => update({ length: Number(v) })} />
            </div>
            <Checkbox id="tap-one-time" label="One-time use" hint="New passes work for a single sign-in unless the helpdesk chooses otherwise." checked={p.oneTimeByDefault} onChange={(oneTimeByDefault) => update({ oneTimeByDefault })} />
          </PolicyFieldset>
        );
      }}
    />
  );
}

/** One fieldset of a policy form, named for screen readers (and on the page, with `heading`). */
function PolicyFieldset({ legend, heading, editable, children }: { legend: string; heading?: boolean; editable: boolean; children: ComponentChildren }): JSX.Element {
  return (
    <fieldset class="panel" disabled={!editable}>
      <legend class="sr-only">{legend}</legend>
      {heading && <h2>{legend}</h2>}
      {children}
    </fieldset>
  );
}

/** A method's policy page: load, edit in `fields` (its fieldsets), "Save" and "Discard" (policy admins only). */
function MethodPolicyPage<N extends PolicyName>(props: {
  name: N;
  here: string;
  title: string;
  intro: string;
  fields: (p: Policies[N], update: (patch: Partial<Policies[N]>) => void, editable: boolean) => JSX.Element;
}): JSX.Element {
  const can = useCan();
  const editable = can('policy_admin');
  const { loaded, draft: p, update, action, saved, discard } = useDraft(
    () => admin.policy(props.name),
    (next) => admin.savePolicy(props.name, next),
  );
  const label = POLICIES[props.name].label;
  return (
    <>
      <div class="page-head">
        <PoliciesBreadcrumb here={props.here} />
        <Heading>{props.title}</Heading>
        <p class="muted">{props.intro}</p>
      </div>
      {!editable && <Notice kind="info">You can view this policy. Changing it needs the Authentication policy administrator role.</Notice>}
      <ErrorNotice message={loaded.error} />
      {!p ? (
        <Spinner label="Loading the policy…" />
      ) : (
        <Form class="stack" onSubmit={() => void action.run()}>
          {props.fields(p, update, editable)}
          <ErrorNotice message={action.error} />
          {saved && <Notice kind="success">{`${label[0]!.toUpperCase()}${label.slice(1)} saved.`}</Notice>}
          {editable && (
            <div class="row">
              <Button kind="primary" type="submit" busy={action.busy}>
                Save
              </Button>
              <Button onClick={discard}>Discard</Button>
            </div>
          )}
        </Form>
      )}
    </>
  );
}

export function PasskeyPolicyPage(): JSX.Element {
  return (
    <MethodPolicyPage
      name="passkey"
      here="Passkey (FIDO2)"
      title="Passkey (FIDO2) settings"
      intro="Passkeys sign people in with a device's screen lock or a security key: phishing-resistant, as NIST SP 800-63B-4 §2.2.2 asks to offer."
      fields={(p, update, editable) => (
        <PolicyFieldset legend="Passkey (FIDO2) settings" editable={editable}>
          <Toggle id="passkey-enabled" label="Enable" checked={p.enabled} onChange={(enabled) => update({ enabled })} />
          <TargetFields name="passkey" target={p.target} onChange={(target) => update({ target })} editable={editable} />
          <RadioGroup
            name="passkey-uv"
            legend="User verification"
            value={p.userVerification}
            onChange={(userVerification) => update({ userVerification })}
            options={[
              { value: 'preferred', label: 'Preferred', hint: 'After a password, the device is asked to check the person (PIN, fingerprint, face), not forced to. A passkey used alone must always check them.' },
              { value: 'required', label: 'Required', hint: 'A passkey that cannot verify the person is refused.' },
            ]}
          />
          <RadioGroup
            name="passkey-attestation"
            legend="Attestation"
            value={p.attestation}
            onChange={(attestation) => update({ attestation })}
            options={[
              { value: 'none', label: 'None', hint: 'Any passkey is accepted; nothing about its make is asked (the default, best for privacy).' },
              { value: 'direct', label: 'Direct', hint: 'Registration asks the authenticator to prove its make and model.' },
            ]}
          />
        </PolicyFieldset>
      )}
    />
  );
}

export function SmsPolicyPage(): JSX.Element {
  return (
    <MethodPolicyPage
      name="sms"
      here="SMS"
      title="SMS settings"
      intro="A code sent by text message: as a second factor after the password, and, if allowed, to sign in on its own."
      fields={(p, update, editable) => (
        <PolicyFieldset legend="SMS settings" editable={editable}>
          <Toggle id="sms-enabled" label="Enable" checked={p.enabled} onChange={(enabled) => update({ enabled })} />
          <TargetFields name="sms" target={p.target} onChange={(target) => update({ target })} editable={editable} />
          <Checkbox
            id="sms-sign-in"
            label="Use for sign-in"
            hint="The code alone signs people in (one factor). Off: SMS only confirms a sign-in after the password."
            checked={p.useForSignIn}
            onChange={(useForSignIn) => update({ useForSignIn })}
          />
        </PolicyFieldset>
      )}
    />
  );
}

export function RegistrationPolicyPage(): JSX.Element {
  return (
    <MethodPolicyPage
      name="registration"
      here="Registration protection"
      title="Registration protection"
      intro="Who may add a sign-in method. Every method added or removed lands in the audit log and sends the user a notice."
      fields={(p, update, editable) => (
        <PolicyFieldset legend="Registration protection" editable={editable}>
          <RadioGroup
            name="registration"
            legend="Adding a sign-in method needs"
            value={p.strict ? 'strict' : 'first'}
            onChange={(v) => update({ strict: v === 'strict' })}
            options={[
              { value: 'first', label: 'A password alone may add the first method, while onboarding', hint: 'Sign in with the password, then add the Authenticator app — within the days below after the account was created or its password reset by the helpdesk. Later methods, and first ones after that, need a stronger sign-in or a Temporary Access Pass.' },
              { value: 'strict', label: 'Multifactor or a Temporary Access Pass', hint: 'Every method, even the first, needs a multifactor sign-in or a pass from the helpdesk.' },
            ]}
          />
          {!p.strict && (
            <Field
              id="onboarding-days"
              label="Onboarding window (days)"
              hint="From 0 to 90 · 0: a password alone never adds a method"
              value={String(p.onboardingDays)}
              onInput={(v) => update({ onboardingDays: Number(v.replace(/\D/g, '') || '0') })}
              inputMode="numeric"
            />
          )}
        </PolicyFieldset>
      )}
    />
  );
}
