// The app lock's settings: a PIN the extension asks before every approval (background/app-lock.ts).
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call, type AppLockStatus } from '../messaging/index.ts';
import { Bar, ErrorNote, Field, Spinner } from '../ui/components.tsx';
import { t } from '../ui/i18n.ts';

const digits = (v: string) => v.replace(/\D/g, '');

export function AppLock({ onBack }: { onBack: () => void }): JSX.Element {
  const [status, setStatus] = useState<AppLockStatus | null>(null);
  const [current, setCurrent] = useState('');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => void call('appLockStatus', {}).then(setStatus, (e: Error) => setError(e.message)), []);

  const run = async (what: () => Promise<AppLockStatus>, said: string) => {
    setError(null);
    setDone(null);
    try {
      setStatus(await what());
      setDone(said);
    } catch (err) {
      setError((err as Error).message);
      // A wrong PIN may have wiped the accounts: the status says what is left.
      setStatus(await call('appLockStatus', {}).catch(() => null));
    }
    setCurrent('');
    setPin('');
    setAgain('');
  };
  const save = () => {
    if (pin !== again) return setError(t('lockPinsDiffer'));
    void run(() => call('setAppLock', { pin, ...(status?.set ? { current } : {}) }), status?.set ? t('lockChanged') : t('lockTurnedOn'));
  };

  return (
    <>
      <Bar title={t('lockTitle')} onBack={onBack} />
      <main class="content stack">
        <p class="muted">{t('lockExplain')}</p>
        {status === null ? (
          <Spinner label={t('loading')} />
        ) : (
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            <p class={`badge ${status.set ? 'ok' : 'muted'}`} role="status" data-app-lock={status.set ? 'on' : 'off'}>
              {status.set ? t('lockOn', status.triesLeft) : t('lockOff')}
            </p>
            {status.set && <Field id="current-pin" label={t('lockCurrentPin')} type="password" value={current} onInput={(v) => setCurrent(digits(v))} inputMode="numeric" maxLength={12} />}
            <Field id="new-pin" label={status.set ? t('lockNewPin') : t('lockPin')} type="password" value={pin} onInput={(v) => setPin(digits(v))} inputMode="numeric" maxLength={12} autoFocus={!status.set} />
            <Field id="new-pin-again" label={t('lockPinAgain')} type="password" value={again} onInput={(v) => setAgain(digits(v))} inputMode="numeric" maxLength={12} />
            <ErrorNote message={error} />
            {done && (
              <p class="note ok" role="status">
                {done}
              </p>
            )}
            <div class="actions">
              {status.set && (
                <button type="button" class="btn" onClick={() => void run(() => call('removeAppLock', { current }), t('lockTurnedOff'))}>
                  {t('lockTurnOff')}
                </button>
              )}
              <button type="submit" class="btn primary">
                {status.set ? t('lockChange') : t('lockTurnOn')}
              </button>
            </div>
          </form>
        )}
      </main>
    </>
  );
}
