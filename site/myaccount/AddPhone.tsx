// "+ Add sign-in method" → "Phone": the number, then the code texted to it.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { me, type PhoneView, type SentCode } from '../shared/api.ts';
import { useAction } from '../shared/hooks.ts';
import { Button, Dialog, DoneStep, ErrorNotice, Field, Form, FormButtons, Heading } from '../shared/ui.tsx';

export function AddPhone({ onClose, onAdded }: { onClose: () => void; onAdded: () => void }): JSX.Element {
  const [number, setNumber] = useState('+');
  // The person just typed the number: this dialog shows it back in full (the server's answer
  // masks it, as every list of methods does), so a typo is seen before the code is awaited.
  const typed = number.trim();
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<SentCode | null>(null);
  const [verified, setVerified] = useState<PhoneView | null>(null);
  const send = useAction(async () => {
    setSent(await me.addPhone(number.replace(/[\s()-]/g, '')));
    setCode('');
  });
  const verify = useAction(async () => {
    setVerified(await me.verifyPhone(sent!.codeId, code));
    onAdded();
  });

  return (
    <Dialog title="Phone" onClose={onClose}>
      {verified ? (
        <DoneStep title="Phone verified" onDone={onClose}>
          <p>
            <strong>{typed}</strong> can now receive sign-in codes by text message.
          </p>
        </DoneStep>
      ) : !sent ? (
        <Form class="stack" onSubmit={() => void send.run()}>
          <Heading level={2}>Add a phone number</Heading>
          <p>You can sign in, or confirm a sign-in, with a code sent to your phone by text message.</p>
          <Field id="phone-number" label="Phone number" type="tel" autoComplete="tel" value={number} onInput={setNumber} hint="In international form, e.g. +44 7700 900123." required autoFocus />
          <ErrorNotice message={send.error} />
          <FormButtons submit="Next" onCancel={onClose} busy={send.busy} />
        </Form>
      ) : (
        <Form class="stack" onSubmit={() => void verify.run()}>
          <Heading level={2}>Enter the code</Heading>
          <p role="status">
            We just sent a 6-digit code to <strong>{typed}</strong>. Enter it below.
          </p>
          <Field id="phone-code" label="Code" inputMode="numeric" autoComplete="one-time-code" value={code} onInput={(v) => setCode(v.replace(/\D/g, ''))} required autoFocus />
          <ErrorNotice message={verify.error ?? send.error} />
          <div class="row-end">
            <Button kind="link" onClick={() => void send.run()} disabled={send.busy}>
              Resend code
            </Button>
            <span class="grow" />
            <Button onClick={() => setSent(null)}>Back</Button>
            <Button kind="primary" type="submit" busy={verify.busy}>
              Verify
            </Button>
          </div>
        </Form>
      )}
    </Dialog>
  );
}
