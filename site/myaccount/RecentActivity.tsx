// "Recent activity": the person's own sign-ins, newest first, each opening to its protocol timeline.
import type { JSX } from 'preact';
import { SignInTable } from '../shared/activity.tsx';
import { me } from '../shared/api.ts';
import { useLoad } from '../shared/hooks.ts';
import { Button, ErrorNotice, Heading, Spinner } from '../shared/ui.tsx';

export function RecentActivity(): JSX.Element {
  const activity = useLoad(me.activity);
  return (
    <>
      <div class="page-head">
        <Heading>Recent activity</Heading>
        <p class="muted">Your sign-ins, newest first. If one wasn't you, change your password and sign out everywhere.</p>
      </div>
      <section class="panel">
        <div class="panel-head">
          <h2>Sign-ins</h2>
          <Button onClick={() => void activity.reload()} busy={activity.loading}>
            Refresh
          </Button>
        </div>
        <ErrorNotice message={activity.error} />
        {activity.data ? <SignInTable entries={activity.data.signIns} timelineOf={(id) => `#/recent-activity/${id}/timeline`} /> : <Spinner label="Loading your sign-ins…" />}
      </section>
    </>
  );
}
