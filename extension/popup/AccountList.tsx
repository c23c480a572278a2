import type { JSX } from 'preact';
import { call, type AccountView } from '../messaging/index.ts';
import { usePending } from './use-accounts.ts';
import { Avatar, Bar, ErrorNote, Spinner } from '../ui/components.tsx';
import { Icon } from '../ui/icons.tsx';
import { waitingText } from '../ui/format.ts';
import { t } from '../ui/i18n.ts';
import type { Go } from './App.tsx';

export function AccountList(props: { accounts: AccountView[] | null; error: string | null; go: Go; notice?: string | null }): JSX.Element {
  const { accounts, error, go } = props;
  const pending = usePending();
  return (
    <>
      <Bar title={t('accountsTitle')}>
        <button type="button" class="icon-btn" aria-label={t('lockTitle')} title={t('lockTitle')} onClick={() => go({ name: 'lock' })}>
          <Icon name="shield" />
        </button>
        <button type="button" class="icon-btn" aria-label={t('addAccount')} title={t('addAccount')} onClick={() => go({ name: 'add' })}>
          <Icon name="plus" />
        </button>
      </Bar>
      <main class="content">
        <ErrorNote message={error} />
        {props.notice && (
          <p class="note info" role="status">
            {props.notice}
          </p>
        )}
        {pending.length > 0 && (
          <div class="note info actions" role="status" style="align-items:center">
            <span style="flex:1">
              {waitingText(pending)}
            </span>
            <button type="button" class="btn primary" style="flex:none" onClick={() => void call('openPrompt', {})}>
              {t('accountsReview')}
            </button>
          </div>
        )}
        {accounts === null && !error && <Spinner label={t('accountsLoading')} />}
        {accounts?.length === 0 && (
          <div class="card empty">
            <Icon name="shield" class="big-icon" />
            <h2>{t('accountsNoneTitle')}</h2>
            <p class="muted">{t('accountsNoneText')}</p>
            <button type="button" class="btn primary" onClick={() => go({ name: 'add' })}>
              {t('addAccount')}
            </button>
          </div>
        )}
        {accounts && accounts.length > 0 && (
          <ul class="list card" aria-label={t('accountsListLabel')}>
            {accounts.map((a) => (
              <li key={a.deviceId}>
                <button type="button" class="row" onClick={() => go({ name: 'account', deviceId: a.deviceId })}>
                  <Avatar name={a.tenant || a.upn} off={a.revoked} />
                  <span class="main">
                    <span class="title">{a.tenant || new URL(a.origin).host}</span>
                    <span class="sub">{a.upn}</span>
                    <span class="badges">
                      {a.passwordless && !a.revoked && <span class="badge ok">{t('accountsBadgePasswordless')}</span>}
                      {a.revoked && <span class="badge danger">{t('accountsBadgeDisabled')}</span>}
                    </span>
                  </span>
                  <Icon name="chevron" class="chevron" />
                </button>
              </li>
            ))}
          </ul>
        )}
      </main>
    </>
  );
}
