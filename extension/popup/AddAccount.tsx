// "Add account" → "Work or school account" → "Scan a QR code" (the current tab), "Scan from
// another window" (a window or screen shared in a window of its own: this popup closes when the
// picker takes the focus) or "Enter code manually".
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { canScanWindow, openScanWindow } from '../scan-window/open.ts';
import { Bar, ErrorNote } from '../ui/components.tsx';
import { Icon } from '../ui/icons.tsx';
import type { Go } from './App.tsx';

export function AddAccount({ go }: { go: Go }): JSX.Element {
  const [kind, setKind] = useState<'work' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const scanElsewhere = () =>
    openScanWindow().then(
      () => window.close(),
      (err: unknown) => setError((err as Error).message),
    );
  return (
    <>
      <Bar title="Add account" onBack={() => (kind ? setKind(null) : go({ name: 'accounts' }))} />
      <main class="content">
        {kind === null ? (
          <>
            <p class="muted">What kind of account are you adding?</p>
            <ul class="list card">
              <li>
                <button type="button" class="row" onClick={() => setKind('work')}>
                  <Icon name="building" />
                  <span class="main">
                    <span class="title">Work or school account</span>
                    <span class="sub">Your organization's pushkey server</span>
                  </span>
                  <Icon name="chevron" class="chevron" />
                </button>
              </li>
            </ul>
          </>
        ) : (
          <>
            <p class="muted">Open "Security info" on your My Account page and choose to add pushkey. A QR code appears.</p>
            <ul class="list card">
              <li>
                <button type="button" class="row" onClick={() => go({ name: 'scan' })}>
                  <Icon name="qr" />
                  <span class="main">
                    <span class="title">Scan a QR code</span>
                    <span class="sub">Reads the QR code in the current tab</span>
                  </span>
                  <Icon name="chevron" class="chevron" />
                </button>
              </li>
              {canScanWindow() && (
                <li>
                  <button type="button" class="row" onClick={scanElsewhere}>
                    <Icon name="window" />
                    <span class="main">
                      <span class="title">Scan from another window</span>
                      <span class="sub">Another profile, browser or screen</span>
                    </span>
                    <Icon name="chevron" class="chevron" />
                  </button>
                </li>
              )}
              <li>
                <button type="button" class="row" onClick={() => go({ name: 'manual' })}>
                  <Icon name="keyboard" />
                  <span class="main">
                    <span class="title">Enter code manually</span>
                    <span class="sub">The code and URL under "Can't scan image?"</span>
                  </span>
                  <Icon name="chevron" class="chevron" />
                </button>
              </li>
            </ul>
            <ErrorNote message={error} />
          </>
        )}
      </main>
    </>
  );
}
