// "Device name" on the add-account screens: how My Account will list this browser, so a
// person with several can tell them apart. The worker proposes one for the server
// ("Chromium on Linux 2" when another account of it here has "Chromium on Linux"); once the
// person edits it, theirs stays.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../messaging/index.ts';
import { Field } from '../ui/components.tsx';
import { t } from '../ui/i18n.ts';

/**
 * `chosen` is what to send: the person's own name once edited, else undefined, so that the
 * worker proposes again for the server it enrolls with (a proposal still on its way, or one
 * for a URL typed half-way, is never sent).
 */
export function useDeviceName(origin: string | null): { name: string; chosen: string | undefined; setName: (value: string) => void } {
  const [name, setName] = useState('');
  const [edited, setEdited] = useState(false);
  // Read when a proposal arrives, not when it was asked for: a keystroke between the two (the
  // re-render that would cancel the request comes later) must win over the proposal.
  const typed = useRef(false);
  useEffect(() => {
    if (edited) return;
    let live = true;
    call('suggestDeviceName', { origin: origin ?? '' }).then(
      (suggested) => live && !typed.current && setName(suggested),
      () => undefined, // no proposal: the person types one
    );
    return () => {
      live = false;
    };
  }, [origin, edited]);
  return {
    name,
    chosen: edited ? name : undefined,
    setName: (value) => {
      typed.current = true;
      setEdited(true);
      setName(value);
    },
  };
}

export function DeviceNameField({ value, onInput, autoFocus }: { value: string; onInput: (value: string) => void; autoFocus?: boolean }): JSX.Element {
  return <Field id="device-name" label={t('deviceName')} value={value} onInput={onInput} maxLength={64} autoFocus={autoFocus} hint={t('deviceNameHint')} />;
}
