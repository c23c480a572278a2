// "Sign out your other sessions?": after a sign-in method was added or removed, or
// passwordless turned on or off, a banner on every My Account page offers to end the user's
// other sessions (someone else may be signed in as them). Asked again every few seconds, so a
// change made in the extension shows without a reload.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { me, messageOf, type OtherSessions } from '../shared/api.ts';
import { usePoll } from '../shared/hooks.ts';
import { Button, ErrorNotice, Notice } from '../shared/ui.tsx';

export function OtherSessionsNotice(): JSX.Element | null {
  const [state, setState] = useState<OtherSessions | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState<number | null>(null);
  usePoll(true, 3000, async () => setState(await me.otherSessions()));

  const answer = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setState(await me.otherSessions());
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (ended !== null && !state?.offer) {
    return (
      <Notice kind="success" title="Other sessions signed out">
        {ended === 1 ? '1 other session was signed out.' : `${ended} other sessions were signed out.`} Only this browser is still signed in.
      </Notice>
    );
  }
  if (!state?.offer) return null;
  const n = state.others;
  return (
    <section class="panel sessions-banner" aria-labelledby="sessions-banner-title">
      <h2 id="sessions-banner-title">Your sign-in methods changed. Sign out your other sessions?</h2>
      <p>
        You have {n === 1 ? '1 other session' : `${n} other sessions`} open, in another browser or on another device. If that might not be you, sign
        {n === 1 ? ' it' : ' them'} out: whoever is there will have to sign in again, with your methods as they are now.
      </p>
      <ErrorNotice message={error} />
      <div class="row">
        <Button kind="primary" busy={busy} onClick={() => void answer(async () => setEnded((await me.endOtherSessions()).sessionsEnded))}>
          Sign out other sessions
        </Button>
        <Button disabled={busy} onClick={() => void answer(() => me.keepOtherSessions())}>
          Keep them
        </Button>
      </div>
    </section>
  );
}
