// The My Account start page: who you are, and the way to your security info and activity.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { signin, type Me } from '../shared/api.ts';
import { formatDateTime, methodName } from '../shared/format.ts';
import { useAction } from '../shared/hooks.ts';
import { Button, Card, Dialog, ErrorNotice, Heading, Initials } from '../shared/ui.tsx';

export function Overview({ me }: { me: Me }): JSX.Element {
  const [confirming, setConfirming] = useState(false);
  const everywhere = useAction(async () => {
    await signin.signOutEverywhere();
    location.assign('/login/');
  });
  return (
    <>
      <div class="page-head">
        <Heading>Overview</Heading>
      </div>
      <section class="panel profile" aria-label="Your profile">
        <Initials name={me.user.displayName} big />
        <div class="stack">
          <h2>{me.user.displayName}</h2>
          <dl class="kv">
            <dt>Email</dt>
            <dd>{me.user.upn}</dd>
            <dt>Organization</dt>
            <dd>{me.tenant}</dd>
            <dt>This session</dt>
            <dd>
              Signed in {formatDateTime(me.session.createdAt)} with {me.session.methods.map(methodName).join(' + ')}
            </dd>
          </dl>
        </div>
      </section>
      <div class="cards">
        <Card id="card-security" icon="shield" title="Security info" text="Keep your sign-in methods up to date: add the Authenticator app, see and remove devices.">
          <a href="#/security-info">Update info</a>
        </Card>
        <Card id="card-activity" icon="clock" title="Recent activity" text="See when and where you signed in, and check for anything unusual.">
          <a href="#/recent-activity">Review recent activity</a>
        </Card>
        <Card id="card-signout" icon="out" title="Sign out everywhere" text="Lost a computer or left yourself signed in somewhere? Sign out of every browser at once.">
          <div>
            <Button onClick={() => setConfirming(true)}>Sign out everywhere</Button>
          </div>
        </Card>
      </div>
      {confirming && (
        <Dialog title="Sign out everywhere?" onClose={() => setConfirming(false)}>
          <p>You will be signed out of every browser where you are signed in, including this one.</p>
          <ErrorNotice message={everywhere.error} />
          <div class="row-end">
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button kind="primary" onClick={() => void everywhere.run()} busy={everywhere.busy} autoFocus>
              Sign out everywhere
            </Button>
          </div>
        </Dialog>
      )}
    </>
  );
}
