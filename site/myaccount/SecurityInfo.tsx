// "Security info": each sign-in method with its device, mode, dates and "Delete";
// "+ Add sign-in method" opens the Authenticator wizard.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { me, type DefaultMethod, type DeviceView } from '../shared/api.ts';
import { formatDateTime, formatLastUsed } from '../shared/format.ts';
import { DeleteCell, MethodCell, MethodsTable, PasskeyDetailCell } from '../shared/methods.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Badge, Button, ConfirmDialog, Dialog, ErrorNotice, Form, FormButtons, Heading, Notice, Spinner } from '../shared/ui.tsx';
import { AddAuthenticator } from './AddAuthenticator.tsx';
import { AddPasskey } from './AddPasskey.tsx';
import { AddPhone } from './AddPhone.tsx';
import { RenameDevice } from './RenameDevice.tsx';

type Choice = 'authenticator' | 'passkey' | 'phone';
/** What "Delete" removes: an authenticator, a passkey, or the phone. */
type Removable = { what: 'device' | 'passkey' | 'phone'; id: string; name: string };
type Open = { kind: 'none' } | { kind: 'choose' } | { kind: 'add'; choice: Choice } | { kind: 'delete'; item: Removable } | { kind: 'rename'; device: DeviceView } | { kind: 'default' };

const DEFAULT_NAMES: Record<DefaultMethod, string> = {
  passkey: 'Passkey',
  authenticator: 'Authenticator app – notification',
  sms: 'Phone – text a code',
  password: 'Password',
};

export function SecurityInfo(): JSX.Element {
  const methods = useLoad(me.methods);
  const more = useLoad(me.signInMethods);
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [choice, setChoice] = useState<Choice>('authenticator');
  const [newDefault, setNewDefault] = useState<DefaultMethod>('password');
  const [done, setDone] = useState<string | null>(null);
  const close = () => setOpen({ kind: 'none' });
  const reload = async () => {
    await Promise.all([methods.reload(), more.reload()]);
  };
  const remove = useAction(async (item: Removable) => {
    if (item.what === 'device') await me.deleteDevice(item.id);
    else if (item.what === 'passkey') await me.deletePasskey(item.id);
    else await me.deletePhone();
    close();
    setDone(item.what === 'device' ? `“${item.name}” was deleted. It can no longer approve sign-ins.` : `“${item.name}” was deleted.`);
    await reload();
  });
  const saveDefault = useAction(async () => {
    await me.setDefaultMethod(newDefault);
    close();
    setDone(`Your default sign-in method is now: ${DEFAULT_NAMES[newDefault]}.`);
    await reload();
  });

  const data = methods.data;
  const extra = more.data;
  const devices = data?.devices ?? [];
  const pushOnly = devices.filter((d) => !d.passwordless);
  // The user's choice, or else the system-preferred order: passkey > authenticator > SMS > password.
  const defaultMethod = extra?.defaultMethod
    ? DEFAULT_NAMES[extra.defaultMethod]
    : extra?.usable.includes('passkey')
      ? DEFAULT_NAMES.passkey
      : devices.some((d) => d.passwordless)
        ? 'Authenticator app – passwordless sign-in'
        : devices.length && data?.rights.pushMfa
          ? 'Authenticator app – notification'
          : extra?.usable.includes('sms')
            ? DEFAULT_NAMES.sms
            : 'Password';
  const choosable = (Object.keys(DEFAULT_NAMES) as DefaultMethod[]).filter((m) => m === 'password' || extra?.usable.includes(m));
  const rights: Record<Choice, boolean> = {
    authenticator: !!data?.rights.register,
    passkey: !!extra?.rights.passkey,
    phone: !!extra?.rights.sms && !extra?.phone,
  };
  const refusal = extra?.registrationRefusal ?? null;

  return (
    <>
      <div class="page-head">
        <Heading>Security info</Heading>
        <p class="muted">These are the methods you use to sign in to your account.</p>
      </div>
      {done && <Notice kind="success">{done}</Notice>}
      <section class="panel" aria-labelledby="methods-title">
        <h2 id="methods-title" class="sr-only">
          Your sign-in methods
        </h2>
        <p class="row">
          <span>
            Default sign-in method: <strong>{data ? defaultMethod : '…'}</strong>
          </span>
          {extra && choosable.length > 1 && (
            <Button
              kind="link"
              onClick={() => {
                setNewDefault(extra.defaultMethod ?? 'password');
                setOpen({ kind: 'default' });
              }}
            >
              Change
            </Button>
          )}
        </p>
        <div>
          <Button
            kind="subtle"
            class="add-method"
            onClick={() => {
              setChoice((['authenticator', 'passkey', 'phone'] as Choice[]).find((c) => rights[c]) ?? 'authenticator');
              setOpen({ kind: 'choose' });
            }}
            disabled={!data}
          >
            + Add sign-in method
          </Button>
        </div>
        {(methods.error || more.error) && <ErrorNotice message={methods.error ?? more.error} />}
        {!data ? (
          <Spinner label="Loading your sign-in methods…" />
        ) : (
          <MethodsTable columns={['Device or detail', 'Use', 'Added', 'Last used']}>
            <tr>
              <MethodCell icon="password" name="Password" />
              <td class="muted">••••••••</td>
              <td>Sign in</td>
              <td class="muted">—</td>
              <td class="muted">—</td>
              <td />
            </tr>
            {devices.map((d) => (
              <tr key={d.id} data-device={d.id}>
                <MethodCell icon="app" name="Authenticator app" />
                <td>
                  <span data-device-name>{d.name}</span>
                  <div class="small muted">
                    Version {d.clientVersion} ·{' '}
                    <Button kind="link" class="small" onClick={() => setOpen({ kind: 'rename', device: d })} aria-label={`Rename ${d.name}`}>
                      Rename
                    </Button>
                  </div>
                </td>
                <td>{d.passwordless ? <Badge kind="accent">Passwordless sign-in</Badge> : <Badge>Push notifications (multi-factor)</Badge>}</td>
                <td>{formatDateTime(d.createdAt)}</td>
                <td>{formatLastUsed(d.lastUsedAt)}</td>
                <DeleteCell label={`Delete ${d.name}`} onClick={() => setOpen({ kind: 'delete', item: { what: 'device', id: d.id, name: d.name } })} />
              </tr>
            ))}
            {extra?.passkeys.map((p) => (
              <tr key={p.id} data-passkey={p.id}>
                <MethodCell icon="key" name="Passkey" />
                <PasskeyDetailCell passkey={p} />
                <td>
                  <Badge kind="accent">Sign in, phishing-resistant</Badge>
                </td>
                <td>{formatDateTime(p.createdAt)}</td>
                <td>{formatLastUsed(p.lastUsedAt)}</td>
                <DeleteCell label={`Delete ${p.name}`} onClick={() => setOpen({ kind: 'delete', item: { what: 'passkey', id: p.id, name: p.name } })} />
              </tr>
            ))}
            {extra?.phone && (
              <tr data-phone>
                <MethodCell icon="sms" name="Phone" />
                <td>{extra.phone.masked}</td>
                <td>{extra.phone.verified ? <Badge>Text message codes</Badge> : <Badge kind="warn">Not verified</Badge>}</td>
                <td>{formatDateTime(extra.phone.createdAt)}</td>
                <td>{formatLastUsed(extra.phone.lastUsedAt)}</td>
                <DeleteCell label="Delete phone" onClick={() => setOpen({ kind: 'delete', item: { what: 'phone', id: 'phone', name: extra.phone!.masked } })} />
              </tr>
            )}
            {data.tap && (
              <tr>
                <MethodCell icon="pass" name="Temporary Access Pass" />
                <td>
                  {data.tap.oneTime ? 'One-time use' : 'Multi-use'}, {data.tap.state === 'active' ? 'usable now' : data.tap.state.replace(/_/g, ' ')}
                </td>
                <td>Sign in</td>
                <td>{formatDateTime(data.tap.createdAt)}</td>
                <td>{formatLastUsed(data.tap.usedAt)}</td>
                <td class="small muted">Expires {formatDateTime(data.tap.expiresAt)}</td>
              </tr>
            )}
          </MethodsTable>
        )}
      </section>
      {data && pushOnly.length > 0 && data.rights.upgradePasswordless && (
        <Notice kind="info" title="Sign in without a password">
          <p>
            Open the pushkey Authenticator extension, choose your account, then “Set up passwordless sign-in”. This page shows the number it asks for.{' '}
            <a href="#/security-info/passwordless">Show the setup number</a>
          </p>
        </Notice>
      )}
      {data && !data.rights.register && (
        <Notice kind="warning">Your organization does not allow the Authenticator app for your account. Ask your administrator if you need it.</Notice>
      )}

      {open.kind === 'choose' && (
        <Dialog title="Add a method" onClose={close}>
          <Form class="stack" onSubmit={() => setOpen({ kind: 'add', choice })}>
            <div class="field">
              <label for="method-choice">Which method would you like to add?</label>
              <select id="method-choice" autofocus value={choice} onChange={(e) => setChoice(e.currentTarget.value as Choice)}>
                <option value="authenticator" disabled={!rights.authenticator}>
                  Authenticator app
                </option>
                <option value="passkey" disabled={!rights.passkey}>
                  Passkey
                </option>
                <option value="phone" disabled={!rights.phone}>
                  Phone
                </option>
              </select>
            </div>
            {refusal ? (
              <Notice kind="warning" title="Sign in again to add a method">
                {refusal}
              </Notice>
            ) : (
              !rights[choice] && <Notice kind="warning">Your organization does not allow this method for your account{choice === 'phone' && extra?.phone ? ', or you already have a phone' : ''}.</Notice>
            )}
            <FormButtons submit="Add" onCancel={close} disabled={!rights[choice] || !!refusal} autoFocus />
          </Form>
        </Dialog>
      )}
      {open.kind === 'add' && open.choice === 'authenticator' && (
        <AddAuthenticator
          onClose={() => {
            close();
            void reload();
          }}
          onRegistered={() => void reload()}
        />
      )}
      {open.kind === 'add' && open.choice === 'passkey' && <AddPasskey onClose={close} onAdded={() => void reload()} />}
      {open.kind === 'add' && open.choice === 'phone' && <AddPhone onClose={close} onAdded={() => void reload()} />}
      {open.kind === 'default' && (
        <Dialog title="Change default method" onClose={close}>
          <Form class="stack" onSubmit={() => void saveDefault.run()}>
            <div class="field">
              <label for="default-method">Which method do you want to use to sign in?</label>
              <select id="default-method" value={newDefault} onChange={(e) => setNewDefault(e.currentTarget.value as DefaultMethod)}>
                {choosable.map((m) => (
                  <option value={m} key={m}>
                    {DEFAULT_NAMES[m]}
                  </option>
                ))}
              </select>
            </div>
            <ErrorNotice message={saveDefault.error} />
            <FormButtons submit="Confirm" onCancel={close} busy={saveDefault.busy} autoFocus />
          </Form>
        </Dialog>
      )}
      {open.kind === 'rename' && (
        <RenameDevice
          device={open.device}
          onClose={close}
          onRenamed={(renamed) => {
            close();
            setDone(renamed.name === open.device.name ? `The name stays “${renamed.name}”.` : `“${open.device.name}” is now called “${renamed.name}”.`);
            void reload();
          }}
        />
      )}
      {open.kind === 'delete' && (
        <ConfirmDialog
          title={open.item.what === 'device' ? 'Delete Authenticator app?' : open.item.what === 'passkey' ? 'Delete passkey?' : 'Delete phone?'}
          confirm="Delete"
          onClose={close}
          onConfirm={() => void remove.run(open.item)}
          busy={remove.busy}
          error={remove.error}
        >
          Delete <strong>{open.item.name}</strong>?{' '}
          {open.item.what === 'device'
            ? 'It will no longer receive or approve sign-in requests. If you still have the extension, remove the account there too.'
            : open.item.what === 'passkey'
              ? 'It will no longer sign you in. Remove it from the device or password manager too.'
              : 'Codes will no longer be sent to it.'}
        </ConfirmDialog>
      )}
    </>
  );
}
