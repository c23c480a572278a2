import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call, type AccountView } from '../messaging/index.ts';
import { Bar, ErrorNote, Button } from '../ui/components.tsx';
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
      <Bar title="Settings" onBack={back} />
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
            <h3 id="pl">Passwordless sign-in</h3>
            {confirm === 'disable' ? (
              <div role="alertdialog" aria-labelledby="pl-q" aria-describedby="pl-d" class="stack">
                <p id="pl-q">
                  <strong>Disable passwordless sign-in?</strong>
                </p>
                <p id="pl-d" class="muted">
                  You'll sign in with your password again. This browser stays registered for approvals.
                </p>
                <div class="actions">
                  <Button type="button" class="btn" onClick={() => setConfirm(null)} disabled={busy} autoFocus>
                    Cancel
                  </Button>
                  <button
                    type="button"
                    class="btn danger solid"
                    disabled={busy}
                    onClick={() => void run(() => call('disablePasswordless', { deviceId: account.deviceId }), () => setDone('Passwordless sign-in is off.'))}
                  >
                    Disable
                  </button>
                </div>
              </div>
            ) : (
              <button type="button" class="btn danger" onClick={() => setConfirm('disable')}>
                Disable passwordless sign-in
              </button>
            )}
          </section>
        )}

        <section class="card stack" style="padding:14px" aria-labelledby="rm">
          <h3 id="rm">Remove account</h3>
          {confirm === 'remove' ? (
            <div role="alertdialog" aria-labelledby="rm-q" aria-describedby="rm-d" class="stack">
              <p id="rm-q">
                <strong>Remove this account?</strong>
              </p>
              <p id="rm-d" class="muted">
                You won't be able to approve sign-ins for {account.upn} from this browser. Its key is deleted.
              </p>
              <div class="actions">
                <Button type="button" class="btn" onClick={() => setConfirm(null)} disabled={busy} autoFocus>
                  Cancel
                </Button>
                <button type="button" class="btn danger solid" disabled={busy} onClick={() =>
                    void run(
                      async () => {
                        const { serverNotified } = await call('removeAccount', { deviceId: account.deviceId });
                        onRemoved(
                          serverNotified
                            ? null
                            : `${account.upn} was removed from this browser, but the server could not be told (unreachable, or this computer's clock is wrong). Remove this device from your My Account page too.`,
                        );
                      },
                      () => undefined,
                    )
                  }>
                  Remove
                </button>
              </div>
            </div>
          ) : (
            <button type="button" class="btn danger" onClick={() => setConfirm('remove')}>
              Remove account
            </button>
          )}
        </section>
      </main>
    </>
  );
}
