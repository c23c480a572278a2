// "Set up passwordless sign-in": the password once, then the number shown on the person's
// My Account page, then Register, then Done.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call, type AccountView, type RequestView } from '../messaging/index.ts';
import { Bar, ErrorNote, Field, Button } from '../ui/components.tsx';
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
    if (!password) return setError('Enter your password.');
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
    if (!/^\d{2,8}$/.test(number.trim())) return setError('Enter the number shown on your computer screen.');
    setBusy(true);
    setError(null);
    try {
      const { outcome } = await call('answerRequest', { key: request.key, decision: 'approve', number: number.trim() });
      if (outcome === 'approved') setStep({ name: 'done' });
      else setError('The request was not approved.');
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
      <Bar title="Passwordless sign-in" onBack={onClose} />
      <main class="content">
        {step.name === 'password' && (
          <form class="stack" onSubmit={(e) => void submitPassword(e)}>
            <p>
              Sign in to <strong>{account.tenant}</strong> without a password. First confirm it's you with your password, once.
            </p>
            <p class="muted">
              Your password goes to <strong>{new URL(account.origin).host}</strong>, the server this account was added from.
            </p>
            <Field id="password" label={`Password for ${account.upn}`} type="password" value={password} onInput={setPassword} autoFocus autoComplete="current-password" />
            <ErrorNote message={error} />
            <button type="submit" class="btn primary block" disabled={busy}>
              {busy ? 'Checking…' : 'Continue'}
            </button>
          </form>
        )}
        {step.name === 'number' && (
          <form class="stack" onSubmit={(e) => void register(e, step.request)}>
            <p class="note info">Open your My Account page on your computer: it shows a number for this setup.</p>
            <Field
              id="setup-number"
              label="Enter the number shown on your computer screen"
              value={number}
              onInput={(v) => setNumber(v.replace(/\D/g, ''))}
              inputMode="numeric"
              class="number-input"
              maxLength={8}
              autoFocus
            />
            <ErrorNote message={error} />
            <button type="submit" class="btn primary block" disabled={busy}>
              {busy ? 'Registering…' : 'Register'}
            </button>
          </form>
        )}
        {step.name === 'done' && (
          <div class="hero" role="status">
            <Icon name="check" class="big-icon" />
            <h2>Passwordless sign-in is on</h2>
            <p class="muted">Next time, enter your email, choose "Use an app instead" and approve here with the number shown.</p>
            <Button type="button" class="btn primary block" onClick={onClose} autoFocus>
              Done
            </Button>
          </div>
        )}
      </main>
    </>
  );
}
