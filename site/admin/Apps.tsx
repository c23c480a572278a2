// App registrations: the apps that sign their users in through pushkey (OpenID Connect
// clients), "New registration", and the provider's signing keys. Global admins only: the
// server refuses everyone else.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { admin, type AppView } from '../shared/api.ts';
import { navigate, useAction, useLoad } from '../shared/hooks.ts';
import { Badge, CopyField, Dialog, ErrorNotice, Field, Form, FormButtons, Heading, LinesField, Notice, RadioGroup, Spinner, Table, Button } from '../shared/ui.tsx';
import { SigningKeysPanel } from './SigningKeys.tsx';

/** Who may sign in to the app, in a few words. */
export function accessText({ everyone, groups, userIds }: AppView['access']): string {
  if (everyone) return 'Everyone';
  const parts = [groups.length ? `Groups: ${groups.join(', ')}` : '', userIds.length ? `${userIds.length} user${userIds.length === 1 ? '' : 's'}` : ''].filter(Boolean);
  return parts.join(' · ') || 'Nobody';
}

export const appStatus = (app: AppView): JSX.Element => (app.disabled ? <Badge kind="bad">Turned off</Badge> : <Badge kind="ok">Enabled</Badge>);

/** The issuer's discovery document, which an app is pointed at. */
export const discoveryUrl = (): string => `${location.origin}/oidc/.well-known/openid-configuration`;

export function AppsPage(): JSX.Element {
  const apps = useLoad(admin.apps);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ app: AppView; secret: string | null } | null>(null);
  return (
    <>
      <div class="page-head">
        <Heading>App registrations</Heading>
        <p class="muted">
          The apps that sign their users in through pushkey with OpenID Connect. Point an app at <code>{discoveryUrl()}</code> with its client ID and secret.
        </p>
      </div>
      <section class="panel">
        <div class="panel-head">
          <h2>Apps</h2>
          <Button kind="primary" onClick={() => setCreating(true)}>
            + New registration
          </Button>
        </div>
        <ErrorNotice message={apps.error} />
        {!apps.data ? (
          <Spinner label="Loading apps…" />
        ) : apps.data.apps.length === 0 ? (
          <p class="muted">No app is registered yet.</p>
        ) : (
          <Table columns={['Name', 'Client ID', 'Redirect URIs', 'Who may sign in', 'Status']}>
            {apps.data.apps.map((a) => (
              <tr key={a.id}>
                <td>
                  <a href={`#/apps/${a.id}`}>{a.name}</a>
                </td>
                <td class="mono">{a.id}</td>
                <td>{a.redirectUris.join(', ')}</td>
                <td>{accessText(a.access)}</td>
                <td>{appStatus(a)}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <SigningKeysPanel />
      {creating && (
        <NewApp
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
            void apps.reload();
          }}
        />
      )}
      {created && (
        <SecretDialog
          title="App registered"
          app={created.app}
          secret={created.secret}
          onClose={() => {
            setCreated(null);
            navigate(`apps/${created.app.id}`);
          }}
        />
      )}
    </>
  );
}

type ClientType = 'confidential' | 'public';

function NewApp({ onClose, onCreated }: { onClose: () => void; onCreated: (c: { app: AppView; secret: string | null }) => void }): JSX.Element {
  const [name, setName] = useState('');
  const [redirectUris, setRedirectUris] = useState<string[]>([]);
  const [type, setType] = useState<ClientType>('confidential');
  const create = useAction(async () => {
    onCreated(await admin.createApp({ name, redirectUris, tokenAuthMethod: type === 'public' ? 'none' : 'client_secret_basic' }));
  });
  return (
    <Dialog title="Register an app" onClose={onClose} wide>
      <Form class="stack" onSubmit={() => void create.run()}>
        <Field id="app-name" label="Name" value={name} onInput={setName} hint="Shown on the sign-in page, in the push and in the sign-in log" required autoFocus />
        <LinesField
          id="app-redirect-uris"
          label="Redirect URIs"
          value={redirectUris}
          onChange={setRedirectUris}
          hint="One per line: where pushkey sends the browser back with the code. https, or http to localhost only."
          placeholder="https://app.example/callback"
          required
        />
        <RadioGroup
          name="app-type"
          legend="Client type"
          value={type}
          onChange={setType}
          options={[
            { value: 'confidential', label: 'Web app with a secret', hint: 'A server-side app that keeps a client secret' },
            { value: 'public', label: 'Public client', hint: 'A single-page or native app: no secret, PKCE only' },
          ]}
        />
        <ErrorNotice message={create.error} />
        <FormButtons submit="Register" onCancel={onClose} busy={create.busy} />
      </Form>
    </Dialog>
  );
}

/** The client id and, for a confidential app, its secret: shown this once. */
export function SecretDialog({ title, app, secret, onClose }: { title: string; app: AppView; secret: string | null; onClose: () => void }): JSX.Element {
  return (
    <Dialog title={title} onClose={onClose} wide>
      <div class="stack">
        {secret ? <Notice kind="warning">Copy the secret now: it won't be shown again. pushkey keeps only its hash; a lost secret is replaced, not recovered.</Notice> : <Notice kind="info">A public client has no secret: the app uses PKCE alone.</Notice>}
        <CopyField id="client-id" label="Client ID" value={app.id} />
        {secret && <CopyField id="client-secret" label="Client secret" value={secret} class="mono" />}
        <CopyField id="discovery-url" label="Discovery URL" value={discoveryUrl()} />
        <div class="row-end">
          <Button kind="primary" onClick={onClose} autoFocus>
            Done
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
