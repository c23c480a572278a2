// The admin portal's start page: what the signed-in admin may do, and where.
import type { JSX } from 'preact';
import type { Me } from '../shared/api.ts';
import { roleName } from '../shared/format.ts';
import { Heading, Icon } from '../shared/ui.tsx';

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
        <section class="card" aria-labelledby="home-methods">
          <Icon name="key" class="card-icon" />
          <h2 id="home-methods">Authentication methods</h2>
          <p class="muted grow">Turn the Authenticator on, choose who it targets and how it may be used, and set the Temporary Access Pass rules.</p>
          <a href="#/authentication-methods/policies">Policies</a>
        </section>
        <section class="card" aria-labelledby="home-users">
          <Icon name="users" class="card-icon" />
          <h2 id="home-users">Users</h2>
          <p class="muted grow">Find people, create accounts, reset passwords, issue a Temporary Access Pass, revoke a lost device.</p>
          <a href="#/users">Manage users</a>
        </section>
        <section class="card" aria-labelledby="home-logs">
          <Icon name="list" class="card-icon" />
          <h2 id="home-logs">Monitoring</h2>
          <p class="muted grow">Every sign-in attempt and every change, with who, when and from where.</p>
          <span class="row">
            <a href="#/signins">Sign-in logs</a>
            <a href="#/audit">Audit logs</a>
            <a href="#/alerts">Alerts</a>
          </span>
        </section>
      </div>
    </>
  );
}
