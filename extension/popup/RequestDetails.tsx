// One request of an account's history, in full: what the verified push asked, how it ended
// here, and the ids to follow it elsewhere: the request id (the server's challenge) and the
// correlation id of the sign-in it belongs to, which the server's log lines and the admin
// portal's protocol timeline carry too. Nothing here is secret (the push never holds the number).
import { Fragment, type JSX } from 'preact';
import type { AccountView } from '../messaging/index.ts';
import { Bar } from '../ui/components.tsx';
import { formatTime, kindText, requestDetails, statusText, statusTone } from '../ui/format.ts';
import { useHistory } from './use-accounts.ts';

export function RequestDetails({ account, requestKey, onBack }: { account: AccountView; requestKey: string; onBack: () => void }): JSX.Element {
  const request = useHistory(account.deviceId).find((r) => r.key === requestKey);
  return (
    <>
      <Bar title="Request details" onBack={onBack} />
      <main class="content">
        {!request ? (
          <p class="muted">This request is no longer in the history.</p>
        ) : (
          <dl class="details card" aria-label="Request details">
            <dt>Request</dt>
            <dd>{kindText(request.kind)}</dd>
            <dt>Status</dt>
            <dd>
              <span class={`badge ${statusTone(request.status)}`}>{statusText(request.status)}</span>
              {request.detail && <span class="muted small"> {request.detail}</span>}
            </dd>
            <dt>Received</dt>
            <dd>{formatTime(request.receivedAt)}</dd>
            {requestDetails(request).map(([label, text]) => (
              <Fragment key={label}>
                <dt>{label}</dt>
                <dd>{text}</dd>
              </Fragment>
            ))}
            <dt>Server</dt>
            <dd>{new URL(request.origin).host}</dd>
            <dt>Request ID</dt>
            <dd class="mono" data-field="challengeId">
              {request.challengeId}
            </dd>
            <dt>Correlation ID</dt>
            <dd class="mono" data-field="correlationId">
              {request.correlationId ?? 'None (not a sign-in, or the server does not send one)'}
            </dd>
          </dl>
        )}
      </main>
    </>
  );
}
