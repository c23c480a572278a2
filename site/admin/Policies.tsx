// Authentication methods → Policies: the list, the Authenticator settings ("Enable and
// Target", "Configure") and the Temporary Access Pass settings. Only a policy admin saves.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { admin, type AuthenticatorPolicy, type TapPolicy } from '../shared/api.ts';
import { formatMinutes } from '../shared/format.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Badge, Button, Checkbox, ErrorNotice, Field, Heading, Icon, Notice, RadioGroup, Spinner, Toggle } from '../shared/ui.tsx';
import { useCan } from './can.ts';
import { GroupsInput, useKnownGroups } from './GroupsInput.tsx';

const MODES: { value: AuthenticatorPolicy['mode']; label: string; hint: string }[] = [
  { value: 'any', label: 'Any', hint: 'Push notifications after a password, and passwordless sign-in (“Use an app instead”) on devices set up for it.' },
  { value: 'push', label: 'Push', hint: 'Only push notifications after a password; “Use an app instead” is not offered.' },
  { value: 'passwordless', label: 'Passwordless', hint: 'Only passwordless sign-in; no push notification after a password.' },
];

function Breadcrumb({ here }: { here?: string }): JSX.Element {
  return (
    <nav class="breadcrumb" aria-label="Breadcrumb">
      <a href="#/">Home</a>
      <span aria-hidden="true">›</span>
      {here ? <a href="#/authentication-methods/policies">Authentication methods</a> : <span>Authentication methods</span>}
      {here && (
        <>
          <span aria-hidden="true">›</span>
          <span>{here}</span>
        </>
      )}
    </nav>
  );
}

export function PoliciesPage(): JSX.Element {
  const auth = useLoad(admin.authenticatorPolicy);
  const tap = useLoad(admin.tapPolicy);
  const target = (p: AuthenticatorPolicy) => (p.target.allUsers ? 'All users' : p.target.includeGroups.join(', ') || 'No groups');
  return (
    <>
      <div class="page-head">
        <Breadcrumb />
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
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">Target</th>
                <th scope="col">Enabled</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>
                  <a href="#/authentication-methods/policies/authenticator" class="method-cell">
                    <Icon name="app" /> Authenticator
                  </a>
                </td>
                <td>{auth.data ? `${target(auth.data)} · mode ${auth.data.mode}` : '…'}</td>
                <td>{auth.data ? auth.data.enabled ? <Badge kind="ok">Yes</Badge> : <Badge>No</Badge> : '…'}</td>
              </tr>
              <tr>
                <td>
                  <a href="#/authentication-methods/policies/tap" class="method-cell">
                    <Icon name="pass" /> Temporary Access Pass
                  </a>
                </td>
                <td>Issued per user by the helpdesk</td>
                <td>{tap.data ? tap.data.enabled ? <Badge kind="ok">Yes</Badge> : <Badge>No</Badge> : '…'}</td>
              </tr>
              <tr>
                <td>
                  <span class="method-cell">
                    <Icon name="password" /> Password
                  </span>
                </td>
                <td>All users</td>
                <td>
                  <Badge kind="ok">Yes</Badge>
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
    </>
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

export function AuthenticatorPolicyPage(): JSX.Element {
  const can = useCan();
  const editable = can('policy_admin');
  const known = useKnownGroups();
  const { loaded, draft: p, update, action, saved, discard } = useDraft(admin.authenticatorPolicy, admin.saveAuthenticatorPolicy);
  const setTarget = (patch: Partial<AuthenticatorPolicy['target']>) => p && update({ target: { ...p.target, ...patch } });

  return (
    <>
      <div class="page-head">
        <Breadcrumb here="Authenticator" />
        <Heading>Authenticator settings</Heading>
        <p class="muted">The pushkey Authenticator extension: push notifications with number matching, and passwordless sign-in.</p>
      </div>
      {!editable && <Notice kind="info">You can view this policy. Changing it needs the Authentication policy administrator role.</Notice>}
      <ErrorNotice message={loaded.error} />
      {!p ? (
        <Spinner label="Loading the policy…" />
      ) : (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run();
          }}
        >
          <fieldset class="panel" disabled={!editable}>
            <legend class="sr-only">Enable and Target</legend>
            <h2>Enable and Target</h2>
            <Toggle id="enabled" label="Enable" checked={p.enabled} onChange={(enabled) => update({ enabled })} />
            <RadioGroup
              name="target"
              legend="Target"
              value={p.target.allUsers ? 'all' : 'groups'}
              onChange={(v) => setTarget({ allUsers: v === 'all' })}
              options={[
                { value: 'all', label: 'All users' },
                { value: 'groups', label: 'Select groups', hint: 'Only members of the groups below.' },
              ]}
            />
            {!p.target.allUsers && (
              <GroupsInput id="include-groups" label="Include groups" value={p.target.includeGroups} onChange={(includeGroups) => setTarget({ includeGroups })} known={known} disabled={!editable} />
            )}
            <GroupsInput
              id="exclude-groups"
              label="Exclude"
              hint="Members of these groups are never targeted, even when a group above includes them."
              value={p.target.excludeGroups}
              onChange={(excludeGroups) => setTarget({ excludeGroups })}
              known={known}
              disabled={!editable}
            />
            <RadioGroup name="mode" legend="Authentication mode" value={p.mode} onChange={(mode) => update({ mode })} options={MODES} />
          </fieldset>

          <fieldset class="panel" disabled={!editable}>
            <legend class="sr-only">Configure</legend>
            <h2>Configure</h2>
            <div class="form-grid">
              <div class="field">
                <label for="number-length">Number length</label>
                <select id="number-length" value={String(p.numberLength)} onChange={(e) => update({ numberLength: Number(e.currentTarget.value) })} aria-describedby="number-length-hint">
                  {[2, 3, 4, 5, 6, 7, 8].map((n) => (
                    <option value={n} key={n}>
                      {n} digits{n === 2 ? ' (as in Entra)' : n === 6 ? ' (NIST SP 800-63B-4 strict)' : ''}
                    </option>
                  ))}
                </select>
                <p class="hint" id="number-length-hint">
                  The digits the sign-in page shows and the person types in the app.
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
          </fieldset>
          <ErrorNotice message={action.error} />
          {saved && <Notice kind="success">Authenticator policy saved.</Notice>}
          {editable && (
            <div class="row">
              <Button kind="primary" type="submit" busy={action.busy}>
                Save
              </Button>
              <Button onClick={discard}>Discard</Button>
            </div>
          )}
        </form>
      )}
    </>
  );
}

export function TapPolicyPage(): JSX.Element {
  const can = useCan();
  const editable = can('policy_admin');
  const { loaded, draft: p, update, action, saved, discard } = useDraft(admin.tapPolicy, admin.saveTapPolicy);
  const minutes = (id: keyof TapPolicy, label: string) =>
    p && (
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
    <>
      <div class="page-head">
        <Breadcrumb here="Temporary Access Pass" />
        <Heading>Temporary Access Pass settings</Heading>
        <p class="muted">A time-limited pass the helpdesk issues to let someone sign in and set up a new authenticator, or sign in when the app is unavailable.</p>
      </div>
      {!editable && <Notice kind="info">You can view this policy. Changing it needs the Authentication policy administrator role.</Notice>}
      <ErrorNotice message={loaded.error} />
      {!p ? (
        <Spinner label="Loading the policy…" />
      ) : (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run();
          }}
        >
          <fieldset class="panel" disabled={!editable}>
            <legend class="sr-only">Temporary Access Pass</legend>
            <Toggle id="tap-enabled" label="Enable" checked={p.enabled} onChange={(enabled) => update({ enabled })} />
            <div class="form-grid">
              {minutes('minLifetimeMinutes', 'Minimum lifetime (minutes)')}
              {minutes('maxLifetimeMinutes', 'Maximum lifetime (minutes)')}
              {minutes('defaultLifetimeMinutes', 'Default lifetime (minutes)')}
              <Field id="tap-length" label="Length (characters)" type="number" min={8} max={48} value={String(p.length)} onInput={(v) => update({ length: Number(v) })} />
            </div>
            <Checkbox id="tap-one-time" label="One-time use" hint="New passes work for a single sign-in unless the helpdesk chooses otherwise." checked={p.oneTimeByDefault} onChange={(oneTimeByDefault) => update({ oneTimeByDefault })} />
          </fieldset>
          <ErrorNotice message={action.error} />
          {saved && <Notice kind="success">Temporary Access Pass policy saved.</Notice>}
          {editable && (
            <div class="row">
              <Button kind="primary" type="submit" busy={action.busy}>
                Save
              </Button>
              <Button onClick={discard}>Discard</Button>
            </div>
          )}
        </form>
      )}
    </>
  );
}
