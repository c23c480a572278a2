// "Security info": each sign-in method with its device, mode, dates and "Delete";
// "+ Add sign-in method" opens the Authenticator wizard.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { me, type DeviceView } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Badge, Button, Dialog, ErrorNotice, Heading, Icon, Notice, Spinner } from '../shared/ui.tsx';
import { AddAuthenticator } from './AddAuthenticator.tsx';

type Open = { kind: 'none' } | { kind: 'choose' } | { kind: 'wizard' } | { kind: 'delete'; device: DeviceView };

export function SecurityInfo(): JSX.Element {
  const methods = useLoad(me.methods);
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [choice, setChoice] = useState('authenticator');
  const [done, setDone] = useState<string | null>(null);
  const close = () => setOpen({ kind: 'none' });
  const remove = useAction(async (device: DeviceView) => {
    await me.deleteDevice(device.id);
    close();
    setDone(`“${device.name}” was deleted. It can no longer approve sign-ins.`);
    await methods.reload();
  });

  const data = methods.data;
  const devices = data?.devices ?? [];
  const pushOnly = devices.filter((d) => !d.passwordless);
  const defaultMethod = devices.some((d) => d.passwordless)
    ? 'Authenticator app – passwordless sign-in'
    : devices.length && data?.rights.pushMfa
      ? 'Authenticator app – notification'
      : 'Password';

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
        <p>
          Default sign-in method: <strong>{data ? defaultMethod : '…'}</strong>
        </p>
        <div>
          <Button kind="subtle" class="add-method" onClick={() => setOpen({ kind: 'choose' })} disabled={!data}>
            + Add sign-in method
          </Button>
        </div>
        {methods.error && <ErrorNotice message={methods.error} />}
        {!data ? (
          <Spinner label="Loading your sign-in methods…" />
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Method</th>
                  <th scope="col">Device or detail</th>
                  <th scope="col">Use</th>
                  <th scope="col">Added</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>
                    <span class="method-cell">
                      <Icon name="password" /> Password
                    </span>
                  </td>
                  <td class="muted">••••••••</td>
                  <td>Sign in</td>
                  <td class="muted">—</td>
                  <td class="muted">—</td>
                  <td />
                </tr>
                {devices.map((d) => (
                  <tr key={d.id} data-device={d.id}>
                    <td>
                      <span class="method-cell">
                        <Icon name="app" /> Authenticator app
                      </span>
                    </td>
                    <td>
                      {d.name}
                      <div class="small muted">Version {d.clientVersion}</div>
                    </td>
                    <td>{d.passwordless ? <Badge kind="accent">Passwordless sign-in</Badge> : <Badge>Push notifications (multi-factor)</Badge>}</td>
                    <td>{formatDateTime(d.createdAt)}</td>
                    <td>{d.lastUsedAt ? formatDateTime(d.lastUsedAt) : 'Never'}</td>
                    <td>
                      <Button kind="link" onClick={() => setOpen({ kind: 'delete', device: d })} aria-label={`Delete ${d.name}`}>
                        Delete
                      </Button>
                    </td>
                  </tr>
                ))}
                {data.tap && (
                  <tr>
                    <td>
                      <span class="method-cell">
                        <Icon name="pass" /> Temporary Access Pass
                      </span>
                    </td>
                    <td>
                      {data.tap.oneTime ? 'One-time use' : 'Multi-use'}, {data.tap.state === 'active' ? 'usable now' : data.tap.state.replace(/_/g, ' ')}
                    </td>
                    <td>Sign in</td>
                    <td>{formatDateTime(data.tap.createdAt)}</td>
                    <td>{data.tap.usedAt ? formatDateTime(data.tap.usedAt) : 'Never'}</td>
                    <td class="small muted">Expires {formatDateTime(data.tap.expiresAt)}</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
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
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              setOpen({ kind: 'wizard' });
            }}
          >
            <div class="field">
              <label for="method-choice">Which method would you like to add?</label>
              <select id="method-choice" value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
                <option value="authenticator" disabled={!data?.rights.register}>
                  Authenticator app
                </option>
              </select>
            </div>
            {!data?.rights.register && <Notice kind="warning">Your organization does not allow the Authenticator app for your account.</Notice>}
            <div class="row-end">
              <Button onClick={close}>Cancel</Button>
              <Button kind="primary" type="submit" disabled={!data?.rights.register} autoFocus>
                Add
              </Button>
            </div>
          </form>
        </Dialog>
      )}
      {open.kind === 'wizard' && (
        <AddAuthenticator
          onClose={() => {
            close();
            void methods.reload();
          }}
          onRegistered={() => void methods.reload()}
        />
      )}
      {open.kind === 'delete' && (
        <Dialog title="Delete Authenticator app?" onClose={close}>
          <p>
            Delete <strong>{open.device.name}</strong>? It will no longer receive or approve sign-in requests. If you still have the extension, remove the account there too.
          </p>
          <ErrorNotice message={remove.error} />
          <div class="row-end">
            <Button onClick={close} autoFocus>
              Cancel
            </Button>
            <Button kind="danger" onClick={() => void remove.run(open.device)} busy={remove.busy}>
              Delete
            </Button>
          </div>
        </Dialog>
      )}
    </>
  );
}
