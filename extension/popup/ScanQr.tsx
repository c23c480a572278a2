// Reads the QR code from the visible tab (captureVisibleTab, allowed by activeTab because
// the person opened this popup) and enrolls with it. Nothing leaves the extension.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser, call } from '../messaging/index.ts';
import { dataUrlToBlob, decodeQrCodes, NO_QR, pickEnrollLink } from '../qr/decode.ts';
import { Bar, ErrorNote, Spinner, Button } from '../ui/components.tsx';
import type { Go } from './App.tsx';

type State = { name: 'scanning' } | { name: 'adding'; user: string; tenant: string } | { name: 'failed'; message: string };

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
        throw new Error(`${NO_QR} (This page cannot be captured.)`);
      }
      const link = pickEnrollLink(await decodeQrCodes(await dataUrlToBlob(dataUrl)));
      if (!live) return;
      setState({ name: 'adding', user: link.user, tenant: link.tenant });
      const account = await call('addAccount', link);
      if (live) onAdded(account.deviceId);
    })().catch((err: unknown) => live && setState({ name: 'failed', message: (err as Error).message }));
    return () => {
      live = false;
    };
  }, [attempt]);

  return (
    <>
      <Bar title="Scan a QR code" onBack={() => go({ name: 'add' })} />
      <main class="content">
        {state.name === 'scanning' && <Spinner label="Looking for a QR code in the current tab…" />}
        {state.name === 'adding' && <Spinner label={`Adding ${state.user || 'your account'}${state.tenant ? ` (${state.tenant})` : ''}…`} />}
        {state.name === 'failed' && (
          <div class="stack">
            <ErrorNote message={state.message} />
            <Button type="button" class="btn primary" onClick={() => setAttempt((n) => n + 1)} autoFocus>
              Try again
            </Button>
            <button type="button" class="btn" onClick={() => go({ name: 'manual' })}>
              Enter code manually
            </button>
          </div>
        )}
      </main>
    </>
  );
}
