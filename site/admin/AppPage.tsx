// One app registration: its client id and secret (a new one shown once), its settings (name,
// redirect URIs, who may sign in, turned off), its sign-ins, and "Delete".
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { admin, type AppView, type PublicUser } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { navigate, useAction, useLoad } from '../shared/hooks.ts';
import { Breadcrumb, Button, ConfirmDialog, CopyField, ErrorNotice, Form, Field, Heading, Icon, LinesField, Notice, RadioGroup, Spinner, Toggle } from '../shared/ui.tsx';
import { appStatus, discoveryUrl, SecretDialog } from './Apps.tsx';
import { ChipsInput, type ChipsInputProps } from './ChipsInput.tsx';
import { GroupsInput, useKnownGroups } from './GroupsInput.tsx';

export function AppPage({ id }: { id: string }): JSX.Element {
  const apps = useLoad(admin.apps, [id]);
  const app = apps.data?.apps.find((a) => a.id === id);
  return (
    <>
      <div class="page-head">
        <Breadcrumb
          trail={[
            ['#/', 'Home'],
            ['#/apps', 'App registrations'],
          ]}
          here={app?.name ?? '…'}
        />
        <Heading>{app ? app.name : 'App'}</Heading>
        {app && <p class="row muted">{appStatus(app)}</p>}
      </div>
      <ErrorNotice message={apps.error} />
      {!apps.data ? (
        <Spinner label="Loading the app…" />
      ) : !app ? (
        <Notice kind="warning">
          This app is not registered (any more). <a href="#/apps">All app registrations</a>
        </Notice>
      ) : (
        <>
          <Credentials app={app} onChanged={() => void apps.reload()} />
          <Settings app={app} onSaved={() => void apps.reload()} />
          <Remove app={app} />
        </>
      )}
    </>
  );
}

function Credentials({ app, onChanged }: { app: AppView; onChanged: () => void }): JSX.Element {
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const rotate = useAction(async () => {
    setSecret((await admin.rotateAppSecret(app.id)).secret);
    setConfirming(false);
    onChanged();
  });
  return (
    <section class="panel stack" aria-labelledby="credentials-title">
      <h2 id="credentials-title">Sign-in with OpenID Connect</h2>
      <CopyField id="app-client-id" label="Client ID" value={app.id} />
      <CopyField id="app-discovery" label="Discovery URL" value={discoveryUrl()} />
      <dl class="kv">
        <dt>Client type</dt>
        <dd>{app.tokenAuthMethod === 'none' ? 'Public client (no secret, PKCE)' : `Web app with a secret (${app.tokenAuthMethod})`}</dd>
        <dt>Sign-in without a browser</dt>
        <dd>{app.backchannel ? `Allowed (CIBA, poll mode): ${location.origin}/oidc/backchannel` : 'Not allowed'}</dd>
        <dt>Registered</dt>
        <dd>{formatDateTime(app.createdAt)}</dd>
        {app.tokenAuthMethod !== 'none' && (
          <>
            <dt>Secret made</dt>
            <dd>{formatDateTime(app.secretSetAt)}</dd>
          </>
        )}
      </dl>
      <div class="row">
        {app.tokenAuthMethod !== 'none' && <Button onClick={() => setConfirming(true)}>New secret</Button>}
        <a href={`#/signins/app/${encodeURIComponent(app.name)}`}>
          <Icon name="list" /> Sign-ins to this app
        </a>
      </div>
      {confirming && (
        <ConfirmDialog title="Make a new secret?" confirm="Make a new secret" onClose={() => setConfirming(false)} onConfirm={() => void rotate.run()} busy={rotate.busy} error={rotate.error}>
          The current secret stops working at once: {app.name} cannot sign anyone in until it is given the new one.
        </ConfirmDialog>
      )}
      {secret && <SecretDialog title="New secret" app={app} secret={secret} onClose={() => setSecret(null)} />}
    </section>
  );
}

function Settings({ app, onSaved }: { app: AppView; onSaved: () => void }): JSX.Element {
  const known = useKnownGroups();
  const users = useLoad(() => admin.users(''));
  const [name, setName] = useState(app.name);
  const [redirectUris, setRedirectUris] = useState(app.redirectUris);
  const [postLogout, setPostLogout] = useState(app.postLogoutRedirectUris);
  const [everyone, setEveryone] = useState(app.access.everyone);
  const [groups, setGroups] = useState(app.access.groups);
  const [userIds, setUserIds] = useState(app.access.userIds);
  const [disabled, setDisabled] = useState(app.disabled);
  const [backchannel, setBackchannel] = useState(app.backchannel);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setName(app.name);
    setRedirectUris(app.redirectUris);
    setPostLogout(app.postLogoutRedirectUris);
    setEveryone(app.access.everyone);
    setGroups(app.access.groups);
    setUserIds(app.access.userIds);
    setDisabled(app.disabled);
    setBackchannel(app.backchannel);
  }, [app]);
  const save = useAction(async () => {
    setSaved(false);
    await admin.updateApp(app.id, { name, redirectUris, postLogoutRedirectUris: postLogout, access: { everyone, groups, userIds }, disabled, ...(app.tokenAuthMethod === 'none' ? {} : { backchannel }) });
    setSaved(true);
    onSaved();
  });
  return (
    <Form class="panel stack" aria-labelledby="settings-title" onSubmit={() => void save.run()}>
      <h2 id="settings-title">Settings</h2>
      <Field id="app-edit-name" label="Name" value={name} onInput={setName} hint="Shown on the sign-in page, in the push and in the sign-in log" required />
      <LinesField id="app-edit-redirect-uris" label="Redirect URIs" value={redirectUris} onChange={setRedirectUris} hint="One per line. https, or http to localhost only." required />
      <LinesField id="app-edit-logout-uris" label="Sign-out redirect URIs" value={postLogout} onChange={setPostLogout} hint="Where the app may send the browser after signing out (optional)" />
      <RadioGroup
        name="app-access"
        legend="Who may sign in"
        value={everyone ? 'everyone' : 'selected'}
        onChange={(v) => setEveryone(v === 'everyone')}
        options={[
          { value: 'everyone', label: 'Everyone in the tenant' },
          { value: 'selected', label: 'Selected groups and users' },
        ]}
      />
      {!everyone && (
        <>
          <GroupsInput id="app-groups" label="Groups" hint="Members of any of these groups may sign in" value={groups} onChange={setGroups} known={known} />
          <UsersInput id="app-users" label="Users" value={userIds} onChange={setUserIds} users={users.data?.users ?? []} />
        </>
      )}
      {app.tokenAuthMethod !== 'none' && (
        <Toggle
          id="app-backchannel"
          label="Allow sign-in without a browser (CIBA)"
          hint="The app asks with the user's name and shows a number; the user approves with that number on their authenticator. For command-line tools and kiosks."
          checked={backchannel}
          onChange={setBackchannel}
        />
      )}
      <Toggle id="app-disabled" label="Turn off sign-in to this app" checked={disabled} onChange={setDisabled} />
      <ErrorNotice message={save.error} />
      {saved && <Notice kind="success">Changes saved.</Notice>}
      <div class="row-end">
        <Button kind="primary" type="submit" busy={save.busy}>
          Save
        </Button>
      </div>
    </Form>
  );
}

/** Users picked by user name, kept by id. */
function UsersInput(props: ChipsInputProps & { users: PublicUser[] }): JSX.Element {
  const byId = new Map(props.users.map((u) => [u.id, u]));
  return (
    <ChipsInput
      {...props}
      placeholder="name@domain"
      none="No users."
      suggestions={props.users.map((u) => ({ key: u.id, value: u.upn }))}
      nameOf={(id) => byId.get(id)?.upn ?? id}
      resolve={(typed) => {
        const u = props.users.find((x) => x.upn.toLowerCase() === typed.toLowerCase());
        return u ? { value: u.id } : { error: `No user is called “${typed}”.` };
      }}
    />
  );
}

function Remove({ app }: { app: AppView }): JSX.Element {
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    await admin.deleteApp(app.id);
    navigate('apps');
  });
  return (
    <section class="panel stack" aria-labelledby="remove-title">
      <h2 id="remove-title">Delete the registration</h2>
      <p class="muted">The app can no longer sign anyone in, and the consents users gave it are forgotten. To stop sign-ins for a while, turn it off instead.</p>
      <div>
        <Button kind="danger" onClick={() => setConfirming(true)}>
          Delete {app.name}
        </Button>
      </div>
      {confirming && (
        <ConfirmDialog title={`Delete ${app.name}?`} confirm="Delete" onClose={() => setConfirming(false)} onConfirm={() => void remove.run()} busy={remove.busy} error={remove.error}>
          Nobody can sign in to {app.name} with pushkey any more, and its client ID and secret stop working. This cannot be undone.
        </ConfirmDialog>
      )}
    </section>
  );
}
