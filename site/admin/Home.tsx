// The admin portal's start page: what the signed-in admin may do, and where.
import type { JSX } from 'preact';
import type { Me } from '../shared/api.ts';
import { roleName } from '../shared/format.ts';
import { Card, Heading } from '../shared/ui.tsx';

export function Home({ me }: { me: Me }): JSX.Element {
  return (
    <>
      <div class="page-head">
        <Heading>{me.tenant}</Heading>
        <p class="muted">
          Signed in as {me.user.displayName} · {me.user.roles.filter((r) => r !== 'user').map(roleName).join(', ')}
        </p>
      </div>
      <div class="cards">
        <Card id="home-methods" icon="key" title="Authentication methods" text="Turn the Authenticator on, choose who it targets and how it may be used, and set the Temporary Access Pass rules.">
          <a href="#/authentication-methods/policies">Policies</a>
        </Card>
        <Card id="home-users" icon="users" title="Users" text="Find people, create accounts, reset passwords, issue a Temporary Access Pass, revoke a lost device.">
          <a href="#/users">Manage users</a>
        </Card>
        {me.user.roles.includes('global_admin') && (
          <Card id="home-apps" icon="app" title="App registrations" text="Let apps sign their users in through pushkey with OpenID Connect: redirect URIs, secrets, who may sign in.">
            <a href="#/apps">Manage apps</a>
          </Card>
        )}
        <Card id="home-logs" icon="list" title="Monitoring" text="Every sign-in attempt and every change, with who, when and from where.">
          <span class="row">
            <a href="#/signins">Sign-in logs</a>
            <a href="#/audit">Audit logs</a>
            <a href="#/alerts">Alerts</a>
          </span>
        </Card>
      </div>
    </>
  );
}
