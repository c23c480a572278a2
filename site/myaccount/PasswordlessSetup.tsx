// The number the extension's "Set up passwordless sign-in" asks for: shown on a page of its
// own, and as a banner on every My Account page while a setup request is pending.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { me, type PasswordlessSetup } from '../shared/api.ts';
import { usePoll } from '../shared/hooks.ts';
import { BigNumber, Breadcrumb, Countdown, Heading, LiveRegion, Notice, Spinner } from '../shared/ui.tsx';
import { requestEnd } from './request-ends.ts';

type Pending = NonNullable<PasswordlessSetup['pending']>;

/** Polls for a pending setup request; remembers the last one so the page can say what became of it. */
function usePendingSetup(): { pending: Pending | null; last: Pending | null } {
  const [pending, setPending] = useState<Pending | null>(null);
  const [last, setLast] = useState<Pending | null>(null);
  usePoll(true, 1500, async () => {
    const s = await me.passwordlessSetup();
    setPending(s.pending);
    if (s.pending) setLast(s.pending);
  });
  return { pending, last };
}

export function PasswordlessSetupNotice(): JSX.Element | null {
  const { pending } = usePendingSetup();
  if (!pending) return null;
  return (
    <section class="panel setup-banner" aria-labelledby="setup-banner-title">
      <h2 id="setup-banner-title">Your Authenticator app is asking for a number</h2>
      <p>
        To set up passwordless sign-in on <strong>{pending.deviceName}</strong>, enter this number in the extension:
      </p>
      <BigNumber value={pending.number} />
      <Countdown expiresAt={pending.expiresAt} />
      <LiveRegion>{`Number for passwordless setup: ${pending.number.split('').join(' ')}`}</LiveRegion>
    </section>
  );
}

export function PasswordlessSetupPage(): JSX.Element {
  const { pending, last } = usePendingSetup();
  const [outcome, setOutcome] = useState<{ challengeId: string; status: string } | null>(null);
  // Once a request is no longer pending, ask what became of it (approved, wrong number, expired…).
  usePoll(!pending && last !== null && outcome?.challengeId !== last.challengeId, 1500, async () => {
    const c = await me.challenge(last!.challengeId);
    if (c.status === 'pending') return;
    setOutcome({ challengeId: c.challengeId, status: c.status });
    return true;
  });
  const done = !pending && last && outcome?.challengeId === last.challengeId ? outcome.status : null;
  const upgraded = done === 'approved' ? last : null;
  const failed = done && done !== 'approved' ? requestEnd(done) : null;

  return (
    <>
      <div class="page-head">
        <Breadcrumb trail={[['#/security-info', 'Security info']]} here="Passwordless sign-in" />
        <Heading>Set up passwordless sign-in</Heading>
      </div>
      <section class="panel">
        <ol class="stack">
          <li>Open the pushkey Authenticator extension and choose your account.</li>
          <li>Choose “Set up passwordless sign-in” and enter your password once.</li>
          <li>Enter the number this page shows, then choose “Register”.</li>
        </ol>
        {pending ? (
          <div class="stack" data-testid="setup-number">
            <h2>Enter this number in your Authenticator app</h2>
            <p class="muted">Requested by {pending.deviceName}</p>
            <BigNumber value={pending.number} />
            <Countdown expiresAt={pending.expiresAt} />
          </div>
        ) : upgraded ? (
          <Notice kind="success" title="Passwordless sign-in is on">
            <p>
              Next time you sign in, enter your email and choose “Use an app instead”, then approve in <strong>{upgraded.deviceName}</strong> with the number shown.
            </p>
          </Notice>
        ) : failed ? (
          <Notice kind="error" title="Passwordless sign-in was not set up">
            <p>{failed} Start again in the extension: “Set up passwordless sign-in”.</p>
          </Notice>
        ) : (
          <Spinner label="Waiting for a request from your Authenticator app…" />
        )}
        <LiveRegion>{pending ? `Enter this number in your Authenticator app: ${pending.number.split('').join(' ')}` : upgraded ? 'Passwordless sign-in is on' : (failed ?? '')}</LiveRegion>
      </section>
    </>
  );
}
