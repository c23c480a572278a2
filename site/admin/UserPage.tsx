// One user: profile (groups, roles, block sign-in, unlock), password reset, and
// "Authentication methods" (devices to revoke, "Add Temporary Access Pass", shown once).
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { admin, type DeviceView, type PublicUser, type Role, type TapPolicy } from '../shared/api.ts';
import { formatDateTime, formatLastUsed, formatMinutes } from '../shared/format.ts';
import { DeleteCell, MethodCell, MethodsTable, PasskeyDetailCell } from '../shared/methods.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Badge, Breadcrumb, Button, Checkbox, ConfirmDialog, Dialog, ErrorNotice, Field, Form, FormButtons, Heading, Notice, Spinner, Toggle } from '../shared/ui.tsx';
import { useCan } from './can.ts';
import { GroupsInput, useKnownGroups } from './GroupsInput.tsx';
import { RoleCheckboxes, userStatus } from './Users.tsx';

export function UserPage({ id }: { id: string }): JSX.Element {
  const can = useCan();
  const user = useLoad(() => admin.user(id), [id]);
  const u = user.data;
  return (
    <>
      <div class="page-head">
        <Breadcrumb
          trail={[
            ['#/', 'Home'],
            ['#/users', 'Users'],
          ]}
          here={u?.displayName ?? '…'}
        />
        <Heading>{u ? u.displayName : 'User'}</Heading>
        {u && (
          <p class="row muted">
            {u.upn} {userStatus(u)} <a href={`#/what-if?user=${u.id}`}>Sign-in methods this user gets (what-if)</a>
          </p>
        )}
      </div>
      <ErrorNotice message={user.error} />
      {!u ? (
        <Spinner label="Loading the user…" />
      ) : (
        <>
          {can('helpdesk') && <Methods user={u} />}
          <Profile user={u} editable={can('global_admin')} onSaved={() => void user.reload()} />
          {can('helpdesk') && <PasswordReset user={u} />}
        </>
      )}
    </>
  );
}

function Profile({ user, editable, onSaved }: { user: PublicUser; editable: boolean; onSaved: () => void }): JSX.Element {
  const known = useKnownGroups();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [groups, setGroups] = useState(user.groups);
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [disabled, setDisabled] = useState(user.disabled);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    setDisplayName(user.displayName);
    setGroups(user.groups);
    setRoles(user.roles);
    setDisabled(user.disabled);
  }, [user]);
  const save = useAction(async () => {
    setSaved(null);
    await admin.updateUser(user.id, { displayName, groups, roles, disabled });
    setSaved('Changes saved.');
    onSaved();
  });
  const unlock = useAction(async () => {
    setSaved(null);
    await admin.updateUser(user.id, { unlock: true });
    setSaved('The account is unlocked.');
    onSaved();
  });
  const clearRisk = useAction(async () => {
    setSaved(null);
    await admin.updateUser(user.id, { clearRisk: true });
    setSaved('The risk is cleared; pushes reach the user again.');
    onSaved();
  });
  const locked = user.lockedUntil > Date.now();
  const paused = user.pushPausedUntil > Date.now();
  return (
    <Form class="panel" aria-labelledby="profile-title" onSubmit={() => void save.run()}>
      <h2 id="profile-title">Profile</h2>
      {!editable && <p class="small muted">Changing the profile needs the Global administrator role.</p>}
      <fieldset class="stack radios" disabled={!editable}>
        <legend class="sr-only">Profile</legend>
        <Field id="display-name" label="Display name" value={displayName} onInput={setDisplayName} required />
        <GroupsInput id="groups" label="Groups" value={groups} onChange={setGroups} known={known} disabled={!editable} />
        <RoleCheckboxes idPrefix="role" roles={roles} onChange={setRoles} />
        <Toggle id="block-sign-in" label="Block sign-in" checked={disabled} onChange={setDisabled} />
        {disabled && !user.disabled && <p class="small muted">Blocking sign-in also ends every session of this user.</p>}
      </fieldset>
      <ErrorNotice message={save.error ?? unlock.error ?? clearRisk.error} />
      {saved && <Notice kind="success">{saved}</Notice>}
      {user.risk && (
        <Notice kind="error" title="At risk">
          <p>
            Since {formatDateTime(user.risk.since)}: {user.risk.detail}.{' '}
            {paused ? `Sign-in requests to the authenticator are paused until ${formatDateTime(user.pushPausedUntil)}.` : 'Pushes reach the user again.'} Check the
            sign-in log, reset the password if someone else knows it, then clear the risk.
          </p>
          {editable && (
            <Button onClick={() => void clearRisk.run()} busy={clearRisk.busy}>
              Clear risk
            </Button>
          )}
        </Notice>
      )}
      {locked && (
        <Notice kind="warning" title="Locked out">
          <p>Too many failed attempts; the lock ends {formatDateTime(user.lockedUntil)}.</p>
          {editable && (
            <Button onClick={() => void unlock.run()} busy={unlock.busy}>
              Unlock
            </Button>
          )}
        </Notice>
      )}
      {editable && (
        <div class="row">
          <Button kind="primary" type="submit" busy={save.busy}>
            Save
          </Button>
        </div>
      )}
    </Form>
  );
}

function PasswordReset({ user }: { user: PublicUser }): JSX.Element {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const reset = useAction(async () => {
    setDone(false);
    await admin.resetPassword(user.id, password);
    setPassword('');
    setDone(true);
  });
  return (
    <Form class="panel" aria-labelledby="reset-title" onSubmit={() => void reset.run()}>
      <h2 id="reset-title">Reset password</h2>
      <Field
        id="reset-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        value={password}
        onInput={setPassword}
        hint="At least 8 characters. The user's sessions end; give them the password over a channel you trust."
        required
      />
      <ErrorNotice message={reset.error} />
      {done && <Notice kind="success">Password reset. The user was signed out everywhere.</Notice>}
      <div class="row">
        <Button type="submit" busy={reset.busy}>
          Reset password
        </Button>
      </div>
    </Form>
  );
}

type Open =
  | { kind: 'none' }
  | { kind: 'tap' }
  | { kind: 'revoke'; device: DeviceView }
  | { kind: 'remove'; what: 'passkey' | 'phone'; id: string; name: string }
  | { kind: 'pass'; pass: string; expiresAt: number; oneTime: boolean };

/** Registration protection's onboarding window for this user: open until when, or closed (a TAP, or a reset, opens the way). */
function OnboardingLine({ from, days }: { from: number; days: number }): JSX.Element {
  const closes = from + days * 86_400_000;
  return (
    <p class="small muted" data-testid="onboarding">
      {Date.now() < closes
        ? `Onboarding: until ${formatDateTime(closes)} a password alone may add this user's first sign-in method.`
        : 'Onboarding is over: a first sign-in method needs a Temporary Access Pass (or a password reset, which opens the window again).'}
    </p>
  );
}

function Methods({ user }: { user: PublicUser }): JSX.Element {
  const methods = useLoad(() => admin.methods(user.id), [user.id]);
  const more = useLoad(() => admin.userSignInMethods(user.id), [user.id]);
  const registration = useLoad(() => admin.policy('registration'));
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const removeOther = useAction(async (what: 'passkey' | 'phone', id: string, name: string) => {
    if (what === 'passkey') await admin.deleteUserPasskey(user.id, id);
    else await admin.deleteUserPhone(user.id);
    close();
    setMessage(`“${name}” was deleted.`);
    await more.reload();
  });
  const [message, setMessage] = useState<string | null>(null);
  const close = () => setOpen({ kind: 'none' });
  const revoke = useAction(async (device: DeviceView) => {
    await admin.revokeDevice(device.id);
    close();
    setMessage(`“${device.name}” was revoked: it can no longer approve sign-ins.`);
    await methods.reload();
  });
  const deleteTap = useAction(async () => {
    await admin.deleteTap(user.id);
    setMessage('The Temporary Access Pass was deleted.');
    await methods.reload();
  });
  const data = methods.data;
  return (
    <section class="panel" aria-labelledby="methods-title">
      <div class="panel-head">
        <h2 id="methods-title">Authentication methods</h2>
        <Button kind="primary" onClick={() => setOpen({ kind: 'tap' })}>
          Add Temporary Access Pass
        </Button>
      </div>
      {message && <Notice kind="success">{message}</Notice>}
      {registration.data && !registration.data.strict && <OnboardingLine from={user.onboardingFrom} days={registration.data.onboardingDays} />}
      <ErrorNotice message={methods.error ?? more.error ?? deleteTap.error} />
      {!data ? (
        <Spinner label="Loading methods…" />
      ) : (
        <MethodsTable columns={['Detail', 'Added', 'Last used', 'Status']}>
          <tr>
            <MethodCell icon="password" name="Password" />
            <td class="muted">—</td>
            <td>{formatDateTime(user.createdAt)}</td>
            <td class="muted">—</td>
            <td>
              <Badge kind="ok">Active</Badge>
            </td>
            <td />
          </tr>
          {data.devices.map((d) => (
            <tr key={d.id} data-device={d.id}>
              <MethodCell icon="app" name="Authenticator app" />
              <td>
                {d.name}
                <div class="small muted">
                  {d.passwordless ? 'Passwordless sign-in' : 'Push notifications'} · version {d.clientVersion}
                </div>
              </td>
              <td>{formatDateTime(d.createdAt)}</td>
              <td>{formatLastUsed(d.lastUsedAt)}</td>
              <td>{d.revokedAt ? <Badge kind="bad">Revoked {formatDateTime(d.revokedAt)}</Badge> : <Badge kind="ok">Active</Badge>}</td>
              <td>
                {!d.revokedAt && (
                  <Button kind="link" onClick={() => setOpen({ kind: 'revoke', device: d })} aria-label={`Revoke ${d.name}`}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
          {more.data?.passkeys.map((p) => (
            <tr key={p.id} data-passkey={p.id}>
              <MethodCell icon="key" name="Passkey" />
              <PasskeyDetailCell passkey={p} />
              <td>{formatDateTime(p.createdAt)}</td>
              <td>{formatLastUsed(p.lastUsedAt)}</td>
              <td>
                <Badge kind="ok">Active</Badge>
              </td>
              <DeleteCell label={`Delete ${p.name}`} onClick={() => setOpen({ kind: 'remove', what: 'passkey', id: p.id, name: p.name })} />
            </tr>
          ))}
          {more.data?.phone && (
            <tr data-phone>
              <MethodCell icon="sms" name="Phone" />
              <td class="mono">{more.data.phone.number}</td>
              <td>{formatDateTime(more.data.phone.createdAt)}</td>
              <td>{formatLastUsed(more.data.phone.lastUsedAt)}</td>
              <td>{more.data.phone.verified ? <Badge kind="ok">Verified</Badge> : <Badge kind="warn">Not verified</Badge>}</td>
              <DeleteCell label="Delete phone" onClick={() => setOpen({ kind: 'remove', what: 'phone', id: 'phone', name: more.data!.phone!.masked })} />
            </tr>
          )}
          {data.tap && (
            <tr>
              <MethodCell icon="pass" name="Temporary Access Pass" />
              <td>
                {data.tap.oneTime ? 'One-time use' : 'Multi-use'} · expires {formatDateTime(data.tap.expiresAt)}
              </td>
              <td>{formatDateTime(data.tap.createdAt)}</td>
              <td>{formatLastUsed(data.tap.usedAt)}</td>
              <td>
                <Badge kind={data.tap.state === 'active' ? 'ok' : 'neutral'}>{data.tap.state === 'active' ? 'Active' : data.tap.state.replace(/_/g, ' ')}</Badge>
              </td>
              <DeleteCell label="Delete Temporary Access Pass" onClick={() => void deleteTap.run()} />
            </tr>
          )}
        </MethodsTable>
      )}
      {open.kind === 'tap' && (
        <IssueTapDialog
          user={user}
          onClose={close}
          onIssued={(pass, expiresAt, oneTime) => {
            setOpen({ kind: 'pass', pass, expiresAt, oneTime });
            void methods.reload();
          }}
        />
      )}
      {open.kind === 'pass' && (
        <Dialog title="Temporary Access Pass details" onClose={close}>
          <Notice kind="warning">Copy the pass now: it won't be shown again.</Notice>
          <div class="pass-once" data-testid="tap" aria-label="Temporary Access Pass">
            {open.pass}
          </div>
          <dl class="kv">
            <dt>User</dt>
            <dd>{user.upn}</dd>
            <dt>Valid until</dt>
            <dd>{formatDateTime(open.expiresAt)}</dd>
            <dt>Use</dt>
            <dd>{open.oneTime ? 'One sign-in' : 'Any number of sign-ins until it expires'}</dd>
          </dl>
          <div class="row-end">
            <Button onClick={() => void navigator.clipboard?.writeText(open.pass).catch(() => undefined)}>Copy</Button>
            <Button kind="primary" onClick={close} autoFocus>
              Done
            </Button>
          </div>
        </Dialog>
      )}
      {open.kind === 'remove' && (
        <ConfirmDialog
          title={open.what === 'passkey' ? 'Delete passkey?' : 'Delete phone?'}
          confirm="Delete"
          onClose={close}
          onConfirm={() => void removeOther.run(open.what, open.id, open.name)}
          busy={removeOther.busy}
          error={removeOther.error}
        >
          Delete <strong>{open.name}</strong> of {user.displayName}? {open.what === 'passkey' ? 'It will no longer sign them in.' : 'Codes will no longer be sent to it.'} The user gets a notice.
        </ConfirmDialog>
      )}
      {open.kind === 'revoke' && (
        <ConfirmDialog title="Revoke Authenticator app?" confirm="Revoke" onClose={close} onConfirm={() => void revoke.run(open.device)} busy={revoke.busy} error={revoke.error}>
          Revoke <strong>{open.device.name}</strong> of {user.displayName}? Its approvals stop working at once and it leaves every list of methods. Use this for a lost or stolen device.
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The pass's form waits for the TAP policy: its defaults fill the form, and nothing typed before they came is overwritten. */
function IssueTapDialog({ user, onClose, onIssued }: { user: PublicUser; onClose: () => void; onIssued: (pass: string, expiresAt: number, oneTime: boolean) => void }): JSX.Element {
  const policy = useLoad(() => admin.policy('tap'));
  return (
    <Dialog title="Add Temporary Access Pass" onClose={onClose}>
      {policy.data ? (
        <IssueTapForm user={user} policy={policy.data} onClose={onClose} onIssued={onIssued} />
      ) : policy.error ? (
        <ErrorNotice message={policy.error} />
      ) : (
        <Spinner label="Reading the Temporary Access Pass policy…" />
      )}
    </Dialog>
  );
}

function IssueTapForm({ user, policy: p, onClose, onIssued }: { user: PublicUser; policy: TapPolicy; onClose: () => void; onIssued: (pass: string, expiresAt: number, oneTime: boolean) => void }): JSX.Element {
  const [lifetime, setLifetime] = useState(String(p.defaultLifetimeMinutes));
  const [oneTime, setOneTime] = useState(p.oneTimeByDefault);
  const issue = useAction(async () => {
    const r = await admin.issueTap(user.id, { lifetimeMinutes: Number(lifetime), oneTime });
    onIssued(r.pass, r.tap.expiresAt, r.tap.oneTime);
  });
  return (
    <Form class="stack" onSubmit={() => void issue.run()}>
      <p>
        For <strong>{user.displayName}</strong> ({user.upn}). A new pass replaces any earlier one.
      </p>
      {!p.enabled && <Notice kind="warning">The Temporary Access Pass policy is disabled, so no pass can be issued.</Notice>}
      <Field
        id="tap-lifetime"
        label="Activation duration (minutes)"
        type="number"
        min={p.minLifetimeMinutes}
        max={p.maxLifetimeMinutes}
        value={lifetime}
        onInput={setLifetime}
        hint={`Between ${formatMinutes(p.minLifetimeMinutes)} and ${formatMinutes(p.maxLifetimeMinutes)}.`}
        required
        autoFocus
      />
      <Checkbox id="tap-one-time" label="One-time use" checked={oneTime} onChange={setOneTime} />
      <ErrorNotice message={issue.error} />
      <FormButtons submit="Add" onCancel={onClose} busy={issue.busy} disabled={!p.enabled} />
    </Form>
  );
}
