// "Enter code manually": the code and the server URL shown under "Can't scan image?",
// or the whole pushkey:// link pasted into the code field.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../messaging/index.ts';
import { Bar, ErrorNote, Field } from '../ui/components.tsx';
import { t } from '../ui/i18n.ts';
import type { Go } from './App.tsx';
import { DeviceNameField, useDeviceName } from './DeviceNameField.tsx';
import { originTyped, readManualInput } from './manual-input.ts';

export function ManualCode({ go, onAdded }: { go: Go; onAdded: (deviceId: string) => void }): JSX.Element {
  const [code, setCode] = useState('');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isLink = code.trim().startsWith('pushkey://');
  const device = useDeviceName(originTyped(code, url));

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const account = await call('addAccount', { ...readManualInput(code, url), deviceName: device.chosen });
      onAdded(account.deviceId);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Bar title={t('manualTitle')} onBack={() => go({ name: 'add' })} />
      <main class="content">
        <form class="stack" onSubmit={(e) => void submit(e)}>
          <Field id="code" label={t('manualCode')} class={isLink ? undefined : 'code-input'} value={code} onInput={setCode} autoFocus hint={t('manualCodeHint')} />
          {!isLink && <Field id="url" label={t('manualUrl')} value={url} onInput={setUrl} inputMode="url" hint={t('manualUrlHint')} />}
          <DeviceNameField value={device.name} onInput={device.setName} />
          <ErrorNote message={error} />
          <button type="submit" class="btn primary block" disabled={busy}>
            {busy ? t('manualAdding') : t('addAccount')}
          </button>
        </form>
      </main>
    </>
  );
}
