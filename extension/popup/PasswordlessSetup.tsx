// "Set up passwordless sign-in": the password once, then the number shown on the person's
// My Account page, then Register, then Done.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call, type AccountView, type RequestView } from '../messaging/index.ts';
import { Bar, ErrorNote, Field, Button } from '../ui/components.tsx';
import { t, tParts } from '../ui/i18n.ts';
import { Icon } from '../ui/icons.tsx';

type Step = { name: 'password' } | { name: 'number'; request: RequestView } | { name: 'done' };

export function PasswordlessSetup({ account, onClose }: { account: AccountView; onClose: () => void }): JSX.Element {
  const [step, setStep] = useState<Step>({ name: 'password' });
  const [password, setPassword] = useState('');
  const [number, setNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submitPassword(e: Event) {
    e.preventDefault();
    if (!password) return setError(t('setupPasswordMissing'));
    setBusy(true);
    setError(null);
    try {
      const request = await call('startPasswordlessSetup', { deviceId: account.deviceId, password });
      setPassword('');
      setStep({ name: 'number', request });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function register(e: Event, request: RequestView) {
    e.preventDefault();
    if (!/^\d{2,8}$/.test(number.trim())) return setError(t('setupNumberMissing'));
    setBusy(true);
    setError(null);
    try {
      const { outcome } = await call('answerRequest', { key: request.key, decision: 'approve', number: number.trim() });
      if (outcome === 'approved') setStep({ name: 'done' });
      else setError(t('setupNotApproved'));
    } catch (err) {
      setError((err as Error).message);
      // A wrong number or an expired request ends this attempt: start again from the password.
      const code = (err as { code?: string }).code;
      if (code && code !== 'unavailable' && code !== 'bad_request') {
        setStep({ name: 'password' });
        setNumber('');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Bar title={t('passwordlessTitle')} onBack={onClose} />
      <main class="content">
        {step.name === 'password' && (
          <form class="stack" onSubmit={(e) => void submitPassword(e)}>
            <p>
              {tParts('setupIntro', <strong>{account.tenant}</strong>)}
            </p>
            <p class="muted">
              {tParts('setupPasswordGoesTo', <strong>{new URL(account.origin).host}</strong>)}
            </p>
            <Field id="password" label={t('setupPasswordFor', account.upn)} type="password" value={password} onInput={setPassword} autoFocus autoComplete="current-password" />
            <ErrorNote message={error} />
            <button type="submit" class="btn primary block" disabled={busy}>
              {busy ? t('setupChecking') : t('setupContinue')}
            </button>
          </form>
        )}
        {step.name === 'number' && (
          <form class="stack" onSubmit={(e) => void register(e, step.request)}>
            <p class="note info">{t('setupOpenMyAccount')}</p>
            <Field
              id="setup-number"
              label={t('promptNumberSetup')}
              value={number}
              onInput={(v) => setNumber(v.replace(/\D/g, ''))}
              inputMode="numeric"
              class="number-input"
              maxLength={8}
              autoFocus
            />
            <ErrorNote message={error} />
            <button type="submit" class="btn primary block" disabled={busy}>
              {busy ? t('setupRegistering') : t('setupRegister')}
            </button>
          </form>
        )}
        {step.name === 'done' && (
          <div class="hero" role="status">
            <Icon name="check" class="big-icon" />
            <h2>{t('setupDoneTitle')}</h2>
            <p class="muted">{t('setupDoneText')}</p>
            <Button type="button" class="btn primary block" onClick={onClose} autoFocus>
              {t('done')}
            </Button>
          </div>
        )}
      </main>
    </>
  );
}
