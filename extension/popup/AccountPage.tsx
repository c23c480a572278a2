import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { AccountView } from '../messaging/index.ts';
import { Avatar, Bar } from '../ui/components.tsx';
import { formatTime, hintText, kindText, statusText, statusTone } from '../ui/format.ts';
import { t, tParts } from '../ui/i18n.ts';
import { Icon } from '../ui/icons.tsx';
import type { Go } from './App.tsx';
import { useHistory } from './use-accounts.ts';

/** Requests listed before "Show all". */
const RECENT = 5;

export function AccountPage({ account, go, onBack }: { account: AccountView; go: Go; onBack: () => void }): JSX.Element {
  const all = useHistory(account.deviceId);
  const [showAll, setShowAll] = useState(false);
  const history = showAll ? all : all.slice(0, RECENT);
  return (
    <>
      <Bar title={account.tenant || t('accountTitle')} onBack={onBack}>
        <button type="button" class="icon-btn" aria-label={t('accountSettingsLabel')} title={t('settingsTitle')} onClick={() => go({ name: 'settings', deviceId: account.deviceId })}>
          <Icon name="gear" />
        </button>
      </Bar>
      <main class="content">
        <section class="hero" aria-label={t('accountTitle')}>
          <Avatar name={account.tenant || account.upn} big off={account.revoked} />
          <h2>{account.displayName || account.upn}</h2>
          <p class="muted">{account.upn}</p>
          <p class="muted small">{new URL(account.origin).host}</p>
          <p class="badges">
            {account.revoked ? (
              <span class="badge danger">{t('accountDisabledBadge')}</span>
            ) : account.connected ? (
              <span class="badge ok">{t('accountConnected')}</span>
            ) : (
              <span class="badge muted">{t('accountOffline')}</span>
            )}
          </p>
        </section>

        {account.revoked ? (
          <p class="note error" role="alert">
            {t('accountDisabledText')}
          </p>
        ) : account.passwordless ? (
          <div class="note ok">
            {tParts('accountPasswordlessOnText', <strong>{t('accountPasswordlessOn')}</strong>)}
          </div>
        ) : (
          <div class="card stack" style="padding:14px">
            <h3>{t('passwordlessTitle')}</h3>
            <p class="muted">{t('accountPasswordlessOffer')}</p>
            <button type="button" class="btn primary" onClick={() => go({ name: 'setup', deviceId: account.deviceId })}>
              {t('accountSetUpPasswordless')}
            </button>
          </div>
        )}

        {history.length > 0 && (
          <section class="stack" aria-labelledby="recent">
            <h3 class="section-title" id="recent">
              {t('accountRecent')}
            </h3>
            <ul class="list card history">
              {history.map((r) => {
                const place = r.context.location || r.context.ip;
                return (
                  <li key={r.key} data-status={r.status}>
                    <button type="button" class="history-open" aria-label={`Details: ${kindText(r.kind)}, ${formatTime(r.receivedAt)}`} onClick={() => go({ name: 'request', deviceId: account.deviceId, key: r.key })}>
                      {kindText(r.kind)}
                      {r.app ? ` · ${r.app}` : ''}
                      <br />
                      <span class="muted small">
                        {formatTime(r.receivedAt)}
                        {place ? ` · ${place}` : ''}
                      </span>
                      {r.hints?.map((h) => (
                        <span key={h.kind} class="hint-line small" data-hint={h.kind}>
                          {hintText(h)}
                        </span>
                      ))}
                    </button>
                    <span class={`badge ${statusTone(r.status)}`}>{statusText(r.status)}</span>
                  </li>
                );
              })}
            </ul>
            {all.length > RECENT && (
              <button type="button" class="btn" onClick={() => setShowAll(!showAll)}>
                {showAll ? t('accountShowLatest') : t('accountShowAll', all.length)}
              </button>
            )}
          </section>
        )}
      </main>
    </>
  );
}
