// Reads the QR code from the visible tab (captureVisibleTab, allowed by activeTab because
// the person opened this popup), shows which server it names, and enrolls only once the
// person confirms. Nothing leaves the extension before that. The server's host is shown
// large, with a warning when the page that showed the code is of another origin: a copied
// My Account page could otherwise add an account on a server that mimics the real one.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { EnrollLink } from '../../protocol/index.ts';
import { browser, call } from '../messaging/index.ts';
import { dataUrlToBlob, decodeQrCodes, NO_QR, pickEnrollLink } from '../qr/decode.ts';
import { Bar, ErrorNote, Spinner, Button } from '../ui/components.tsx';
import type { Go } from './App.tsx';
import { DeviceNameField, useDeviceName } from './DeviceNameField.tsx';

type State =
  | { name: 'scanning' }
  | { name: 'confirm'; link: EnrollLink; pageOrigin: string | null }
  | { name: 'adding'; user: string; tenant: string }
  | { name: 'failed'; message: string };

const hostOf = (origin: string) => new URL(origin).host;

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
        throw new Error(`${NO_QR} (This page cannot be captured.)`);
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
      <Bar title="Scan a QR code" onBack={() => go({ name: 'add' })} />
      <main class="content">
        {state.name === 'scanning' && <Spinner label="Looking for a QR code in the current tab…" />}
        {state.name === 'confirm' && <Confirm link={state.link} pageOrigin={state.pageOrigin} onAdd={(deviceName) => add(state.link, deviceName)} onCancel={() => go({ name: 'add' })} />}
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

function Confirm({ link, pageOrigin, onAdd, onCancel }: { link: EnrollLink; pageOrigin: string | null; onAdd: (deviceName: string | undefined) => void; onCancel: () => void }): JSX.Element {
  const host = hostOf(link.origin);
  const { name, chosen, setName } = useDeviceName(link.origin);
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        onAdd(chosen);
      }}
    >
      <h2>Add this account?</h2>
      <dl class="details card" aria-label="Account to add">
        <dt>Organization</dt>
        <dd>{link.tenant || '—'}</dd>
        <dt>Account</dt>
        <dd>{link.user || '—'}</dd>
        <dt>Server</dt>
        <dd class="server-host" data-testid="server-host">
          {host}
        </dd>
      </dl>
      {pageOrigin && pageOrigin !== link.origin && (
        <p class="note error" role="alert">
          This QR code was shown on <strong>{URL.canParse(pageOrigin) ? hostOf(pageOrigin) : pageOrigin}</strong> but adds an account on <strong>{host}</strong>. Add it only if you trust {host}: it will send you sign-in requests, and setting up passwordless sign-in sends it your password.
        </p>
      )}
      {link.origin.startsWith('http:') && <p class="note info">This server does not use encryption (http). That is fine on this computer or a lab network only.</p>}
      <DeviceNameField value={name} onInput={setName} />
      <Button type="submit" class="btn primary" autoFocus>
        Add account
      </Button>
      <button type="button" class="btn" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
