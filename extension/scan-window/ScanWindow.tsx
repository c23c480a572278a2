// "Scan from another window or screen": a small extension window, opened from the popup, that
// shares a window, tab or screen through the browser's picker and reads the QR code in it
// (qr/screen-capture.ts). It is a window of its own because the action popup closes as soon as
// it loses focus, and the picker takes the focus. The code found goes through the same
// confirmation as the tab scan; nothing is sent before the person confirms.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EnrollLink } from '../../protocol/index.ts';
import { browser, call } from '../messaging/index.ts';
import { ConfirmAccount } from '../popup/ConfirmAccount.tsx';
import { scanSharedSurface } from '../qr/screen-capture.ts';
import { Bar, Button, ErrorNote, Spinner } from '../ui/components.tsx';
import { addingText } from '../ui/format.ts';
import { t, tParts } from '../ui/i18n.ts';

type State =
  | { name: 'ready' }
  | { name: 'choosing' }
  | { name: 'scanning'; stream: MediaStream; other: string | null }
  | { name: 'confirm'; link: EnrollLink }
  | { name: 'adding'; user: string; tenant: string }
  | { name: 'added'; upn: string }
  | { name: 'failed'; message: string };

/** Brings this window back in front: the person was looking at the shared one. */
async function focusSelf(): Promise<void> {
  const self = await browser.windows.getCurrent();
  if (self.id !== undefined) await browser.windows.update(self.id, { focused: true });
}

export function ScanWindow(): JSX.Element {
  const [state, setState] = useState<State>({ name: 'ready' });
  const cancel = useRef<AbortController | null>(null);
  // Closing the window mid-scan stops the capture too (the tracks die with the page, but say so).
  useEffect(() => () => cancel.current?.abort(), []);

  // Runs in the click handler: the picker needs the person's gesture.
  const scan = () => {
    const controller = new AbortController();
    cancel.current = controller;
    setState({ name: 'choosing' });
    scanSharedSurface({
      signal: controller.signal,
      onSharing: (stream) => setState({ name: 'scanning', stream, other: null }),
      onOtherCode: (message) => setState((s) => (s.name === 'scanning' ? { ...s, other: message } : s)),
    }).then(
      (result) => {
        if (result.kind === 'cancelled') return setState({ name: 'ready' });
        setState({ name: 'confirm', link: result.link });
        void focusSelf().catch(() => undefined);
      },
      (err: unknown) => setState({ name: 'failed', message: (err as Error).message }),
    );
  };

  const add = (link: EnrollLink, deviceName: string | undefined) => {
    setState({ name: 'adding', user: link.user, tenant: link.tenant });
    call('addAccount', { ...link, deviceName }).then(
      (account) => setState({ name: 'added', upn: account.upn }),
      (err: unknown) => setState({ name: 'failed', message: (err as Error).message }),
    );
  };

  return (
    <div class="app scan-window">
      <Bar title={t('scanWindowTitle')} />
      <main class="content">
        {state.name === 'ready' && (
          <div class="stack">
            <p>{t('scanWindowIntro')}</p>
            <p class="muted">{t('scanWindowPrivacy')}</p>
            <Button type="button" class="btn primary" onClick={scan} autoFocus>
              {t('scanWindowChoose')}
            </Button>
            <button type="button" class="btn" onClick={() => window.close()}>
              {t('close')}
            </button>
          </div>
        )}
        {state.name === 'choosing' && <Spinner label={t('scanWindowChoosing')} />}
        {state.name === 'scanning' && <Scanning stream={state.stream} other={state.other} onCancel={() => cancel.current?.abort()} />}
        {state.name === 'confirm' && <ConfirmAccount link={state.link} pageOrigin={null} onAdd={(deviceName) => add(state.link, deviceName)} onCancel={() => setState({ name: 'ready' })} />}
        {state.name === 'adding' && <Spinner label={addingText(state.user, state.tenant)} />}
        {state.name === 'added' && (
          <div class="stack">
            <p class="note ok" role="status">
              {tParts('scanWindowAdded', <strong>{state.upn}</strong>)}
            </p>
            <Button type="button" class="btn primary" onClick={() => window.close()} autoFocus>
              {t('done')}
            </Button>
          </div>
        )}
        {state.name === 'failed' && (
          <div class="stack">
            <ErrorNote message={state.message} />
            <Button type="button" class="btn primary" onClick={scan} autoFocus>
              {t('tryAgain')}
            </Button>
            <button type="button" class="btn" onClick={() => window.close()}>
              {t('close')}
            </button>
          </div>
        )}
      </main>
    </div>
  );
}

function Scanning({ stream, other, onCancel }: { stream: MediaStream; other: string | null; onCancel: () => void }): JSX.Element {
  const preview = useRef<HTMLVideoElement>(null);
  // What is shared, shown back to the person, in this page only.
  useEffect(() => {
    if (preview.current) preview.current.srcObject = stream;
  }, [stream]);
  return (
    <div class="stack">
      <Spinner label={t('scanWindowLooking')} />
      <video ref={preview} class="share-preview" muted autoPlay playsInline aria-label={t('scanWindowPreviewLabel')} />
      {other && (
        <p class="note warn" role="alert">
          {t('scanWindowStillLooking', other)}
        </p>
      )}
      <Button type="button" class="btn" onClick={onCancel} autoFocus>
        {t('cancel')}
      </Button>
    </div>
  );
}
