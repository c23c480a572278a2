// "Add account" → "Work or school account" → "Scan a QR code" (the current tab), "Scan from
// another window" (a window or screen shared in a window of its own: this popup closes when the
// picker takes the focus) or "Enter code manually".
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { canScanWindow, openScanWindow } from '../scan-window/open.ts';
import { Bar, ErrorNote } from '../ui/components.tsx';
import { Icon } from '../ui/icons.tsx';
import { t } from '../ui/i18n.ts';
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
      <Bar title={t('addAccount')} onBack={() => (kind ? setKind(null) : go({ name: 'accounts' }))} />
      <main class="content">
        {kind === null ? (
          <>
            <p class="muted">{t('addKindQuestion')}</p>
            <ul class="list card">
              <li>
                <button type="button" class="row" onClick={() => setKind('work')}>
                  <Icon name="building" />
                  <span class="main">
                    <span class="title">{t('addWorkAccount')}</span>
                    <span class="sub">{t('addWorkAccountSub')}</span>
                  </span>
                  <Icon name="chevron" class="chevron" />
                </button>
              </li>
            </ul>
          </>
        ) : (
          <>
            <p class="muted">{t('addHowTo')}</p>
            <ul class="list card">
              <li>
                <button type="button" class="row" onClick={() => go({ name: 'scan' })}>
                  <Icon name="qr" />
                  <span class="main">
                    <span class="title">{t('scanTitle')}</span>
                    <span class="sub">{t('addScanSub')}</span>
                  </span>
                  <Icon name="chevron" class="chevron" />
                </button>
              </li>
              {canScanWindow() && (
                <li>
                  <button type="button" class="row" onClick={scanElsewhere}>
                    <Icon name="window" />
                    <span class="main">
                      <span class="title">{t('scanWindowTitle')}</span>
                      <span class="sub">{t('addScanWindowSub')}</span>
                    </span>
                    <Icon name="chevron" class="chevron" />
                  </button>
                </li>
              )}
              <li>
                <button type="button" class="row" onClick={() => go({ name: 'manual' })}>
                  <Icon name="keyboard" />
                  <span class="main">
                    <span class="title">{t('manualTitle')}</span>
                    <span class="sub">{t('addManualSub')}</span>
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
