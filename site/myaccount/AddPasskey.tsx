// "+ Add sign-in method" → "Passkey": name it, then the browser's own passkey dialog.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { me, messageOf, type PasskeyView } from '../shared/api.ts';
import { Dialog, DoneStep, ErrorNotice, Field, Form, FormButtons, Heading, Icon, Notice } from '../shared/ui.tsx';
import { createPasskey, passkeysSupported } from '../shared/webauthn.ts';

const guessName = (): string => {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : 'this browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
};

export function AddPasskey({ onClose, onAdded }: { onClose: () => void; onAdded: () => void }): JSX.Element {
  const [name, setName] = useState(`Passkey – ${guessName()}`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<PasskeyView | null>(null);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const { ceremonyId, options } = await me.passkeyOptions();
      const response = await createPasskey(options);
      setAdded(await me.addPasskey(ceremonyId, name.trim(), response));
      onAdded();
    } catch (err) {
      // Server refusals (ApiError) and the browser's own (explained by webauthn.ts) both carry a message for people.
      setError(err instanceof Error ? err.message : messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Passkey" onClose={onClose}>
      {added ? (
        <DoneStep title="Passkey added" onDone={onClose}>
          <Heading level={2}>You can sign in with “{added.name}”</Heading>
          <p>On the sign-in page choose “Sign in with a passkey”, or pick it under “Other ways to sign in”.</p>
        </DoneStep>
      ) : (
        <Form class="stack" onSubmit={() => void create()}>
          <div class="wizard-art">
            <Icon name="key" />
          </div>
          <Heading level={2}>Create a passkey</Heading>
          <p>A passkey signs you in with this device's screen lock or a security key — nothing to type, and it only works on this site, so it cannot be phished.</p>
          {!passkeysSupported() && <Notice kind="warning">This browser does not support passkeys.</Notice>}
          <Field id="passkey-name" label="Name" value={name} onInput={setName} hint="So you can tell your passkeys apart, e.g. “Work laptop”." required autoFocus />
          <ErrorNotice message={error} />
          <FormButtons submit="Next" onCancel={onClose} busy={busy} disabled={!passkeysSupported() || !name.trim()} />
        </Form>
      )}
    </Dialog>
  );
}
