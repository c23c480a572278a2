// One request of an account's history, in full: what the verified push asked, how it ended
// here, and the ids to follow it elsewhere: the request id (the server's challenge) and the
// correlation id of the sign-in it belongs to, which the server's log lines and the admin
// portal's protocol timeline carry too. Nothing here is secret (the push never holds the number).
import { Fragment, type JSX } from 'preact';
import type { AccountView } from '../messaging/index.ts';
import { Bar } from '../ui/components.tsx';
import { formatTime, kindText, requestDetails, statusText, statusTone } from '../ui/format.ts';
import { t } from '../ui/i18n.ts';
import { useHistory } from './use-accounts.ts';

export function RequestDetails({ account, requestKey, onBack }: { account: AccountView; requestKey: string; onBack: () => void }): JSX.Element {
  const request = useHistory(account.deviceId).find((r) => r.key === requestKey);
  return (
    <>
      <Bar title={t('requestDetailsTitle')} onBack={onBack} />
      <main class="content">
        {!request ? (
          <p class="muted">{t('requestDetailsGone')}</p>
        ) : (
          <dl class="details card" aria-label={t('requestDetailsTitle')}>
            <dt>{t('requestDetailsKind')}</dt>
            <dd>{kindText(request.kind)}</dd>
            <dt>{t('requestDetailsStatus')}</dt>
            <dd>
              <span class={`badge ${statusTone(request.status)}`}>{statusText(request.status)}</span>
              {request.detail && <span class="muted small"> {request.detail}</span>}
            </dd>
            <dt>{t('requestDetailsReceived')}</dt>
            <dd>{formatTime(request.receivedAt)}</dd>
            {requestDetails(request).map(([label, text]) => (
              <Fragment key={label}>
                <dt>{label}</dt>
                <dd>{text}</dd>
              </Fragment>
            ))}
            <dt>{t('requestDetailsServer')}</dt>
            <dd>{new URL(request.origin).host}</dd>
            <dt>{t('requestDetailsId')}</dt>
            <dd class="mono" data-field="challengeId">
              {request.challengeId}
            </dd>
            <dt>{t('requestDetailsCorrelation')}</dt>
            <dd class="mono" data-field="correlationId">
              {request.correlationId ?? t('requestDetailsNoCorrelation')}
            </dd>
          </dl>
        )}
      </main>
    </>
  );
}
