import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call, type AccountView } from '../messaging/index.ts';
import { Bar, ErrorNote, Button } from '../ui/components.tsx';
import { t } from '../ui/i18n.ts';
import type { Go } from './App.tsx';

type Confirm = 'disable' | 'remove' | null;

export function AccountSettings({ account, go, onRemoved }: { account: AccountView; go: Go; onRemoved: (notice: string | null) => void }): JSX.Element {
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const back = () => go({ name: 'account', deviceId: account.deviceId });

  async function run(action: () => Promise<unknown>, after: () => void) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setConfirm(null);
      after();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Bar title={t('settingsTitle')} onBack={back} />
      <main class="content">
        <p class="muted">
          {account.upn}
          <br />
          {account.tenant}
        </p>
        <ErrorNote message={error} />
        {done && (
          <p class="note ok" role="status">
            {done}
          </p>
        )}

        {account.passwordless && !account.revoked && (
          <section class="card stack" style="padding:14px" aria-labelledby="pl">
            <h3 id="pl">{t('passwordlessTitle')}</h3>
            {confirm === 'disable' ? (
              <div role="alertdialog" aria-labelledby="pl-q" aria-describedby="pl-d" class="stack">
                <p id="pl-q">
                  <strong>{t('settingsDisableQuestion')}</strong>
                </p>
                <p id="pl-d" class="muted">
                  {t('settingsDisableExplain')}
                </p>
                <div class="actions">
                  <Button type="button" class="btn" onClick={() => setConfirm(null)} disabled={busy} autoFocus>
                    {t('cancel')}
                  </Button>
                  <button
                    type="button"
                    class="btn danger solid"
                    disabled={busy}
                    onClick={() => void run(() => call('disablePasswordless', { deviceId: account.deviceId }), () => setDone(t('settingsPasswordlessOff')))}
                  >
                    {t('settingsDisable')}
                  </button>
                </div>
              </div>
            ) : (
              <button type="button" class="btn danger" onClick={() => setConfirm('disable')}>
                {t('settingsDisablePasswordless')}
              </button>
            )}
          </section>
        )}

        <section class="card stack" style="padding:14px" aria-labelledby="rm">
          <h3 id="rm">{t('settingsRemoveAccount')}</h3>
          {confirm === 'remove' ? (
            <div role="alertdialog" aria-labelledby="rm-q" aria-describedby="rm-d" class="stack">
              <p id="rm-q">
                <strong>{t('settingsRemoveQuestion')}</strong>
              </p>
              <p id="rm-d" class="muted">
                {t('settingsRemoveExplain', account.upn)}
              </p>
              <div class="actions">
                <Button type="button" class="btn" onClick={() => setConfirm(null)} disabled={busy} autoFocus>
                  {t('cancel')}
                </Button>
                <button type="button" class="btn danger solid" disabled={busy} onClick={() =>
                    void run(
                      async () => {
                        const { serverNotified } = await call('removeAccount', { deviceId: account.deviceId });
                        onRemoved(
                          serverNotified
                            ? null
                            : t('settingsRemovedServerNotTold', account.upn),
                        );
                      },
                      () => undefined,
                    )
                  }>
                  {t('settingsRemove')}
                </button>
              </div>
            </div>
          ) : (
            <button type="button" class="btn danger" onClick={() => setConfirm('remove')}>
              {t('settingsRemoveAccount')}
            </button>
          )}
        </section>
      </main>
    </>
  );
}
