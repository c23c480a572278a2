// Reads the QR code from the visible tab (captureVisibleTab, allowed by activeTab because
// the person opened this popup), shows which server it names (ConfirmAccount), and enrolls
// only once the person confirms. Nothing leaves the extension before that.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { EnrollLink } from '../../protocol/index.ts';
import { browser, call } from '../messaging/index.ts';
import { dataUrlToBlob, decodeQrCodes, pickEnrollLink } from '../qr/decode.ts';
import { Bar, ErrorNote, Spinner, Button } from '../ui/components.tsx';
import { addingText } from '../ui/format.ts';
import { t } from '../ui/i18n.ts';
import type { Go } from './App.tsx';
import { ConfirmAccount } from './ConfirmAccount.tsx';

type State =
  | { name: 'scanning' }
  | { name: 'confirm'; link: EnrollLink; pageOrigin: string | null }
  | { name: 'adding'; user: string; tenant: string }
  | { name: 'failed'; message: string };

/** The origin of the tab the code was read from, when activeTab lets us see its URL. */
async function activeTabOrigin(): Promise<string | null> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.url && URL.canParse(tab.url) ? new URL(tab.url).origin : null;
}

export function ScanQr({ go, onAdded }: { go: Go; onAdded: (deviceId: string) => void }): JSX.Element {
  const [state, setState] = useState<State>({ name: 'scanning' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    (async () => {
      setState({ name: 'scanning' });
      let dataUrl: string;
      try {
        dataUrl = await browser.tabs.captureVisibleTab(undefined, { format: 'png' });
      } catch {
        throw new Error(t('scanCannotCapture', t('scanNoQr')));
      }
      const link = pickEnrollLink(await decodeQrCodes(await dataUrlToBlob(dataUrl)));
      const pageOrigin = await activeTabOrigin().catch(() => null);
      if (live) setState({ name: 'confirm', link, pageOrigin });
    })().catch((err: unknown) => live && setState({ name: 'failed', message: (err as Error).message }));
    return () => {
      live = false;
    };
  }, [attempt]);

  const add = (link: EnrollLink, deviceName: string | undefined) => {
    setState({ name: 'adding', user: link.user, tenant: link.tenant });
    call('addAccount', { ...link, deviceName }).then(
      (account) => onAdded(account.deviceId),
      (err: unknown) => setState({ name: 'failed', message: (err as Error).message }),
    );
  };

  return (
    <>
      <Bar title={t('scanTitle')} onBack={() => go({ name: 'add' })} />
      <main class="content">
        {state.name === 'scanning' && <Spinner label={t('scanLooking')} />}
        {state.name === 'confirm' && <ConfirmAccount link={state.link} pageOrigin={state.pageOrigin} onAdd={(deviceName) => add(state.link, deviceName)} onCancel={() => go({ name: 'add' })} />}
        {state.name === 'adding' && <Spinner label={addingText(state.user, state.tenant)} />}
        {state.name === 'failed' && (
          <div class="stack">
            <ErrorNote message={state.message} />
            <Button type="button" class="btn primary" onClick={() => setAttempt((n) => n + 1)} autoFocus>
              {t('tryAgain')}
            </Button>
            <button type="button" class="btn" onClick={() => go({ name: 'manual' })}>
              {t('manualTitle')}
            </button>
          </div>
        )}
      </main>
    </>
  );
}
