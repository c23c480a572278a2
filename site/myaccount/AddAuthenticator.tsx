// The seed guide's wizard for the Authenticator app: "Start by getting the app" → "Set up
// your account" → the QR code (with "Can't scan image?") → wait for the extension to
// register → "Let's try it out" (a test notification with a number) → done.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatActivationCode } from '../../protocol/activation-code.ts';
import { me, messageOf, type TestChallenge } from '../shared/api.ts';
import { usePoll } from '../shared/hooks.ts';
import { BigNumber, Button, CopyField, Countdown, Dialog, DoneStep, ErrorNotice, Heading, Icon, LiveRegion, Notice, Spinner } from '../shared/ui.tsx';
import { requestEnd } from './request-ends.ts';

type Activation = Awaited<ReturnType<typeof me.startActivation>>;
type Step = 'get-app' | 'set-up' | 'scan' | 'try' | 'done';
const ORDER: Step[] = ['get-app', 'set-up', 'scan', 'try', 'done'];

export function AddAuthenticator({ onClose, onRegistered }: { onClose: () => void; onRegistered: () => void }): JSX.Element {
  const [step, setStep] = useState<Step>('get-app');
  const [deviceId, setDeviceId] = useState<string | null>(null);
  const index = ORDER.indexOf(step);
  return (
    <Dialog title="Authenticator app" onClose={onClose}>
      <ol class="wizard-steps" aria-label={`Step ${index + 1} of ${ORDER.length}`}>
        {ORDER.map((s, i) => (
          <li key={s} class={i <= index ? 'done' : ''} />
        ))}
      </ol>
      {step === 'get-app' && (
        <div class="stack" key="get-app">
          <div class="wizard-art">
            <Icon name="app" />
          </div>
          <Heading level={2}>Start by getting the app</Heading>
          <p>
            Install the <strong>pushkey Authenticator</strong> extension in the browser that will approve your sign-ins — for example a second browser profile. Load it from the{' '}
            <span class="mono">dist/extension</span> folder your administrator built, or from your organization's extension store.
          </p>
          <p>After you install the extension, choose “Next”.</p>
          <div class="row-end">
            <Button onClick={onClose}>Cancel</Button>
            <Button kind="primary" onClick={() => setStep('set-up')} autoFocus>
              Next
            </Button>
          </div>
        </div>
      )}
      {step === 'set-up' && (
        <div class="stack" key="set-up">
          <div class="wizard-art">
            <Icon name="key" />
          </div>
          <Heading level={2}>Set up your account</Heading>
          <p>In the extension, choose “Add account”, then “Work or school account”.</p>
          <div class="row-end">
            <Button onClick={() => setStep('get-app')}>Back</Button>
            <Button kind="primary" onClick={() => setStep('scan')} autoFocus>
              Next
            </Button>
          </div>
        </div>
      )}
      {step === 'scan' && (
        <ScanStep
          onBack={() => setStep('set-up')}
          onRegistered={(id) => {
            setDeviceId(id);
            onRegistered();
            setStep('try');
          }}
        />
      )}
      {step === 'try' && <TryStep deviceId={deviceId} onDone={() => setStep('done')} />}
      {step === 'done' && (
        <DoneStep key="done" title="Authenticator app was successfully registered" onDone={onClose}>
          <Heading level={2}>You're all set</Heading>
          <p>Sign-ins with your password will now ask you to approve a notification in the extension.</p>
          <p>
            To sign in without a password, open the extension, choose your account, then “Set up passwordless sign-in”. My Account shows the number it asks for.
          </p>
        </DoneStep>
      )}
    </Dialog>
  );
}

function ScanStep({ onBack, onRegistered }: { onBack: () => void; onRegistered: (deviceId: string) => void }): JSX.Element {
  const [activation, setActivation] = useState<Activation | null>(null);
  const [status, setStatus] = useState<'pending' | 'expired'>('pending');
  const [error, setError] = useState<string | null>(null);
  const [manual, setManual] = useState(false);

  const create = async () => {
    setError(null);
    setStatus('pending');
    try {
      setActivation(await me.startActivation());
    } catch (err) {
      setError(messageOf(err));
    }
  };
  useEffect(() => {
    void create();
  }, []);

  usePoll(activation !== null && status === 'pending', 1500, async () => {
    const s = await me.activation(activation!.activationId);
    if (s.status === 'registered') {
      onRegistered(s.deviceId);
      return true;
    }
    if (s.status === 'expired') {
      setStatus('expired');
      return true;
    }
  });

  return (
    <div class="stack" key="scan">
      <Heading level={2}>Scan the QR code</Heading>
      <p>Use the pushkey Authenticator extension to scan the QR code: in the extension choose “Scan a QR code” while this page is showing. This connects the extension with your account.</p>
      <ErrorNotice message={error} />
      {!activation && !error && <Spinner label="Creating your QR code…" />}
      {activation && status === 'pending' && (
        <>
          <div class="qr">
            <img src={`data:image/svg+xml;base64,${btoa(activation.qrSvg)}`} alt="QR code to add your account to the Authenticator app" width={240} height={240} />
          </div>
          {!manual ? (
            <div>
              <Button
                kind="link"
                onClick={() => {
                  setManual(true);
                  // Audited: a typed code is one of the lab's tasks. Showing the code does not wait for it.
                  void me.codeShown(activation.activationId).catch(() => undefined);
                }}
              >
                Can't scan image?
              </Button>
            </div>
          ) : (
            <ManualCode code={activation.code} url={activation.serverUrl} />
          )}
          <Spinner label="Waiting for the Authenticator app to add your account…" />
        </>
      )}
      {status === 'expired' && (
        <Notice kind="warning" title="This QR code has expired">
          <p>Codes work once and for 10 minutes. Get a new one and scan it again.</p>
          <Button onClick={() => void create()}>Get a new code</Button>
        </Notice>
      )}
      <LiveRegion>{status === 'expired' ? 'The QR code expired.' : ''}</LiveRegion>
      <div class="row-end">
        <Button onClick={onBack}>Back</Button>
      </div>
    </div>
  );
}

function ManualCode({ code, url }: { code: string; url: string }): JSX.Element {
  return (
    <div class="manual" role="region" aria-label="Manual setup">
      <p>In the extension choose “Enter code manually”, then enter the following:</p>
      {/* Groups of four in an alphabet without I, L, O, U; the extension ignores case and dashes. */}
      <CopyField id="manual-code" label="Code" value={formatActivationCode(code)} class="setup-code" hint="28 letters and digits (no I, L, O or U). Dashes and capitals don't matter." />
      <CopyField id="manual-url" label="URL" value={url} />
    </div>
  );
}

function TryStep({ deviceId, onDone }: { deviceId: string | null; onDone: () => void }): JSX.Element {
  const [challenge, setChallenge] = useState<TestChallenge | null>(null);
  const [status, setStatus] = useState<string>('pending');
  const [error, setError] = useState<string | null>(null);
  // The notification still waiting on the device: it ends when this step is left or replaced.
  const waiting = useRef<string | null>(null);
  const left = useRef(false);
  const withdraw = () => {
    if (waiting.current) void me.withdrawTestNotification(waiting.current).catch(() => undefined);
    waiting.current = null;
  };

  const send = async () => {
    withdraw();
    setError(null);
    setStatus('pending');
    setChallenge(null);
    try {
      const sent = await me.testNotification(deviceId ?? undefined);
      waiting.current = sent.challengeId;
      // Left while it was being sent: it ends at once.
      if (left.current) return withdraw();
      setChallenge(sent);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  useEffect(() => {
    void send();
    return () => {
      left.current = true;
      withdraw();
    };
  }, []);

  usePoll(challenge !== null && status === 'pending', 1000, async () => {
    const s = await me.challenge(challenge!.challengeId);
    if (s.status !== 'pending') {
      waiting.current = null;
      setStatus(s.status);
      return true;
    }
  });

  const failed = status !== 'pending' && status !== 'approved';

  return (
    <div class="stack" key="try">
      <Heading level={2}>Let's try it out</Heading>
      <p>Approve the notification we're sending to your app by entering the number shown below.</p>
      <ErrorNotice message={error} />
      {challenge && status === 'pending' && (
        <>
          <BigNumber value={challenge.number} />
          <Countdown expiresAt={challenge.expiresAt} prefix="The notification expires in" />
        </>
      )}
      {status === 'approved' && <Notice kind="success" title="Notification approved" />}
      {failed && <Notice kind="error" title={status === 'number_mismatch' ? `${requestEnd(status)} Enter the number shown here.` : requestEnd(status)} />}
      <LiveRegion>{status === 'approved' ? 'Notification approved' : failed ? requestEnd(status) : ''}</LiveRegion>
      <div class="row-end">
        {(failed || error) && (
          <>
            <Button onClick={onDone}>Skip</Button>
            <Button onClick={() => void send()} autoFocus>
              Send another notification
            </Button>
          </>
        )}
        <Button kind="primary" onClick={onDone} disabled={status !== 'approved'} autoFocus={status === 'approved'}>
          Next
        </Button>
      </div>
    </div>
  );
}
