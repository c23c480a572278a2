// Sign-in: email → password (or "Use an app instead") → the number to match, or a
// Temporary Access Pass, a passkey, or a code sent by SMS from "Other ways to sign in".
// Before the password the page offers what the tenant allows, the same for every name (the
// server tells nothing of the account); the user's own second factors come after it. Each
// step is one screen of the same card; the flow id and its cookie bind the attempt to this
// browser, so only this browser receives the result.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, messageOf, oidc, signin, tenant, type ChallengeView, type FlowStatus, type InteractionView, type SecondFactor, type SentCode, type SignInMethod, type StepAnswer } from '../shared/api.ts';
import { allowApp, declineApp, interactionUrl, SCOPE_WORDS } from './app-request.ts';
import { passkeysSupported, assertPasskey } from '../shared/webauthn.ts';
import { safeNext } from '../shared/hooks.ts';
import { BigNumber, Button, Countdown, Field, Form, Heading, Icon, Logo, Spinner } from '../shared/ui.tsx';

interface Flow {
  flowId: string;
  username: string;
  /** The ways in the tenant offers (the same for every name). */
  methods: SignInMethod[];
  /** The password was accepted and a second factor must follow. */
  passwordDone: boolean;
  /** The second factors the server offered after the password (the preferred first), when it named them. */
  secondFactors?: SecondFactor[];
  /** After the password: the user holds a pass that can still be redeemed. */
  tapUsable?: boolean;
  /** After the password: why the push, which would have come first, could not go out (the others stand in). */
  pushRefused?: string;
}

type Step =
  | { kind: 'username' }
  | { kind: 'password' }
  | { kind: 'push'; mode: 'passwordless' | 'mfa'; challenge: ChallengeView; status: FlowStatus }
  | { kind: 'other' }
  | { kind: 'tap' }
  | { kind: 'sms' }
  | { kind: 'consent' }
  | { kind: 'done' };

const params = new URLSearchParams(location.search);
/** An app's sign-in (OpenID Connect) in progress: once signed in, the provider takes the browser back to the app. */
const interaction = params.get('interaction') ?? undefined;
const next = interaction ? interactionUrl(interaction) : safeNext(params.get('next'));

export function SignIn(): JSX.Element {
  const [step, setStep] = useState<Step>({ kind: 'username' });
  const [flow, setFlow] = useState<Flow | null>(null);
  const [username, setUsername] = useState(params.get('login_hint') ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tenantName = useTenantName();
  const request = useAppRequest((view) => {
    if (view.loginHint && !username) setUsername(view.loginHint);
    if (view.prompt === 'consent') setStep({ kind: 'consent' });
  }, setError);

  const go = (s: Step) => {
    setError(null);
    setStep(s);
  };

  /** Runs one call to the server; a lost flow sends the person back to the start with the reason. */
  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'flow_invalid') {
        setFlow(null);
        setStep({ kind: 'username' });
      }
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const answer = (a: StepAnswer, f: Flow) => {
    if (a.status === 'signed_in') return go({ kind: 'done' });
    if (a.status === 'second_factor') {
      // A passkey or a text message is preferred over the app: the person picks (the preferred is first).
      setFlow({ ...f, passwordDone: true, secondFactors: a.methods, tapUsable: a.tapUsable === true, ...(a.pushRefused ? { pushRefused: a.pushRefused.message } : {}) });
      return go({ kind: 'other' });
    }
    if (a.status === 'mfa_required') {
      setFlow({ ...f, passwordDone: true, tapUsable: a.tapUsable === true, ...(a.secondFactors ? { secondFactors: a.secondFactors } : {}) });
      return go({ kind: 'push', mode: 'mfa', challenge: a.challenge, status: 'pending' });
    }
    go({ kind: 'push', mode: 'passwordless', challenge: a.challenge, status: 'pending' });
  };

  const start = () =>
    act(async () => {
      const s = await signin.start(username, interaction);
      setFlow({ flowId: s.flowId, username: s.username, methods: s.methods, passwordDone: false });
      // The password first, for every name: the start's answer tells nothing of the account
      // (a pass, a passkey, the app and a texted code wait under "Other ways to sign in").
      go({ kind: 'password' });
    });

  const useApp = () => act(async () => answer(await signin.passwordless(flow!.flowId), flow!));
  /** A passkey: within this flow, or (no flow yet) one that names the user itself. */
  const passkey = () =>
    act(async () => {
      const started = await signin.passkeyOptions(flow?.flowId, interaction);
      const f: Flow = flow ?? { flowId: started.flowId, username: '', methods: [], passwordDone: false };
      if (!flow) setFlow(f);
      const response = await assertPasskey(started.options);
      answer(await signin.passkey(started.flowId, started.ceremonyId, response), f);
    });
  const resend = () => act(async () => answer(await signin.resend(flow!.flowId), flow!));
  const restart = () => {
    setFlow(null);
    go({ kind: 'username' });
  };

  useEffect(() => {
    if (step.kind !== 'done') return;
    const t = setTimeout(() => location.assign(next), 900);
    return () => clearTimeout(t);
  }, [step.kind]);

  const identity = flow && (
    <div class="identity">
      <button type="button" class="icon-btn" onClick={restart} aria-label="Back: use another account">
        <Icon name="back" />
      </button>
      <span>{flow.username || 'Passkey sign-in'}</span>
    </div>
  );

  let body: JSX.Element;
  switch (step.kind) {
    case 'username':
      body = (
        <UsernameStep username={username} setUsername={setUsername} error={error} busy={busy} onNext={start} onPasskey={passkey} />
      );
      break;
    case 'password':
      body = (
        <PasswordStep
          flow={flow!}
          identity={identity}
          busy={busy}
          error={error}
          onPassword={(password) => act(async () => answer(await signin.password(flow!.flowId, password), flow!))}
          onUseApp={useApp}
          onOther={() => go({ kind: 'other' })}
        />
      );
      break;
    case 'push':
      body = (
        <PushStep
          key={step.challenge.challengeId}
          step={step}
          flow={flow!}
          identity={identity}
          busy={busy}
          error={error}
          onStatus={(status) => setStep({ ...step, status })}
          onResend={resend}
          onRestart={() => {
            setFlow(null);
            go({ kind: 'username' });
          }}
          onCantUse={() => go({ kind: 'other' })}
          onUsePassword={() => go({ kind: 'password' })}
          onDone={() => go({ kind: 'done' })}
          onLost={(message) => {
            setFlow(null);
            setStep({ kind: 'username' });
            setError(message);
          }}
        />
      );
      break;
    case 'other':
      body = (
        <OtherMethods
          flow={flow!}
          identity={identity}
          busy={busy}
          error={error}
          onPassword={() => go({ kind: 'password' })}
          onTap={() => go({ kind: 'tap' })}
          onApp={flow!.passwordDone ? resend : useApp}
          onPasskey={passkey}
          onSms={() => go({ kind: 'sms' })}
        />
      );
      break;
    case 'tap':
      body = (
        <TapStep
          identity={identity}
          busy={busy}
          error={error}
          onBack={() => go({ kind: 'other' })}
          onPass={(pass) => act(async () => answer(await signin.tap(flow!.flowId, pass), flow!))}
        />
      );
      break;
    case 'sms':
      body = (
        <SmsStep
          flow={flow!}
          identity={identity}
          busy={busy}
          error={error}
          setError={setError}
          onBack={() => go({ kind: 'other' })}
          onCode={(codeId, code) => act(async () => answer(await signin.sms(flow!.flowId, codeId, code), flow!))}
        />
      );
      break;
    case 'consent':
      body = (
        <ConsentStep
          request={request!}
          busy={busy}
          error={error}
          onAllow={() => act(() => allowApp(interaction!))}
          onDecline={() => act(() => declineApp(interaction!))}
        />
      );
      break;
    case 'done':
      body = (
        <>
          {identity}
          <div class="outcome outcome-ok">
            <Icon name="check" />
            <Heading>You're signed in</Heading>
          </div>
          <Spinner label={request ? `Taking you back to ${request.app}…` : 'Taking you to your account…'} />
        </>
      );
      break;
  }

  return (
    <div class="signin-page">
      <main class="signin-card">
        <Logo tenant={tenantName} />
        {request && step.kind !== 'consent' && (
          <p class="small muted app-request">
            to continue to <strong>{request.app}</strong>
            {request.requiredAcr && request.requiredAcr !== 'urn:pushkey:acr:sfa' && (
              <>, which asks for {request.requiredAcr === 'phr' ? 'a passkey' : 'two factors: your password and a second method'}</>
            )}
          </p>
        )}
        {body}
      </main>
      <p class="signin-footer">
        Passwordless sign-in with number matching · <a href="/myaccount/">My Account</a>
      </p>
    </div>
  );
}

/** The app asking for this sign-in (null for pushkey's own); a request that expired sends the person back to the app. */
function useAppRequest(onLoad: (view: InteractionView) => void, setError: (message: string) => void): InteractionView | null {
  const [view, setView] = useState<InteractionView | null>(null);
  useEffect(() => {
    if (!interaction) return;
    oidc.interaction(interaction).then(
      (v) => {
        setView(v);
        onLoad(v);
      },
      (err: unknown) => setError(messageOf(err)),
    );
  }, []);
  return view;
}

/** "Let <app> …": what the app asks, once per app; Allow is remembered. */
function ConsentStep(props: { request: InteractionView; busy: boolean; error: string | null; onAllow: () => void; onDecline: () => void }): JSX.Element {
  const asks = props.request.scopes.map((s) => SCOPE_WORDS[s] ?? s);
  return (
    <div class="stack">
      <Heading>Let {props.request.app} access your account?</Heading>
      <p>{props.request.app} would like to:</p>
      <ul class="consent-scopes">
        {asks.map((words) => (
          <li key={words}>{words}</li>
        ))}
      </ul>
      <p class="small muted">You are asked once; you can take the access back by asking your administrator.</p>
      <StepError message={props.error} />
      <div class="signin-actions">
        <Button onClick={props.onDecline} disabled={props.busy}>
          Cancel
        </Button>
        <Button kind="primary" onClick={props.onAllow} busy={props.busy}>
          Allow
        </Button>
      </div>
    </div>
  );
}

/** The tenant's display name; blank while it loads (no flash of another name), "pushkey" if it cannot. */
function useTenantName(): string {
  const [name, setName] = useState('');
  useEffect(() => {
    tenant.get().then(
      (t) => setName(t.name),
      () => setName('pushkey'),
    );
  }, []);
  return name;
}

/** What every step after the user name gets: the account it is for (with "Back"), the pending call, its error. */
interface StepProps {
  identity: JSX.Element | null;
  busy: boolean;
  error: string | null;
}

/** A step's primary button, at the foot of the card. */
function SubmitButton({ label, busy, disabled }: { label: string; busy: boolean; disabled?: boolean }): JSX.Element {
  return (
    <div class="signin-actions">
      <Button kind="primary" type="submit" busy={busy} disabled={disabled}>
        {label}
      </Button>
    </div>
  );
}

/** An error of a step with no field to attach it to. */
function StepError({ message }: { message: string | null }): JSX.Element | null {
  return message ? (
    <p class="field-error" role="alert">
      {message}
    </p>
  ) : null;
}

function UsernameStep(props: { username: string; setUsername: (v: string) => void; error: string | null; busy: boolean; onNext: () => void; onPasskey: () => void }): JSX.Element {
  return (
    <Form class="stack" onSubmit={() => props.onNext()}>
      <Heading focus={false}>Sign in</Heading>
      <Field
        id="username"
        label="Email address"
        hideLabel
        placeholder="Email address"
        type="email"
        autoComplete="username webauthn"
        value={props.username}
        onInput={props.setUsername}
        error={props.error}
        autoFocus
        required
        spellcheck={false}
      />
      <p class="small muted">Your work or school account, for example alice@pushkey.test.</p>
      {passkeysSupported() && (
        <div class="signin-links">
          <Button kind="link" onClick={props.onPasskey} disabled={props.busy}>
            Sign in with a passkey
          </Button>
        </div>
      )}
      <SubmitButton label="Next" busy={props.busy} />
    </Form>
  );
}

function PasswordStep(props: StepProps & {
  flow: Flow;
  onPassword: (password: string) => void;
  onUseApp: () => void;
  onOther: () => void;
}): JSX.Element {
  const [password, setPassword] = useState('');
  const passwordless = props.flow.methods.includes('passwordless');
  const others = props.flow.methods.some((m) => m === 'tap' || m === 'passkey' || m === 'sms');
  return (
    <Form class="stack" onSubmit={() => props.onPassword(password)}>
      {props.identity}
      <Heading focus={false}>Enter password</Heading>
      <Field id="password" label="Password" hideLabel placeholder="Password" type="password" autoComplete="current-password" value={password} onInput={setPassword} error={props.error} autoFocus required />
      <div class="signin-links">
        {passwordless && (
          <Button kind="link" onClick={props.onUseApp} disabled={props.busy}>
            Use an app instead
          </Button>
        )}
        {others && (
          <Button kind="link" onClick={props.onOther} disabled={props.busy}>
            Other ways to sign in
          </Button>
        )}
      </div>
      <SubmitButton label="Sign in" busy={props.busy} />
    </Form>
  );
}

const OUTCOMES: Record<Exclude<FlowStatus, 'pending' | 'signed_in'>, { title: string; text: string }> = {
  denied: { title: 'Request denied', text: 'The sign-in request was denied in your Authenticator app, so you are not signed in.' },
  reported: {
    title: 'Request denied',
    text: "You reported this request as not you. We didn't sign you in, cancelled your other pending requests and alerted your administrator. If someone else tried to sign in as you, they may know your password: once you are signed in, change it in My Account (Security info), and tell your administrator what happened. If it was you after all, start over.",
  },
  number_mismatch: { title: "The number didn't match", text: 'The number entered in your Authenticator app was not the one shown here. Send another request and enter the number this page shows.' },
  expired: { title: 'Request timed out', text: "We didn't hear from your Authenticator app in time." },
  update_required: {
    title: 'Update your authenticator',
    text: 'Your organization now requires a newer version of the pushkey extension than the one that answered. Update it (restarting the browser installs a store update; ask your administrator if you are not sure how), then send another request.',
  },
  cancelled: { title: 'Request cancelled', text: 'This request was cancelled or replaced by a newer one.' },
};

function PushStep(props: StepProps & {
  step: Extract<Step, { kind: 'push' }>;
  flow: Flow;
  onStatus: (s: FlowStatus) => void;
  onResend: () => void;
  onRestart: () => void;
  onCantUse: () => void;
  onUsePassword: () => void;
  onDone: () => void;
  onLost: (message: string) => void;
}): JSX.Element {
  const { challenge, status, mode } = props.step;

  // Long poll while the request is pending; the answer reaches only this browser (flow cookie).
  useEffect(() => {
    if (status !== 'pending') return;
    const aborted = new AbortController();
    void (async () => {
      let failures = 0;
      while (!aborted.signal.aborted) {
        try {
          const s = await signin.status(props.flow.flowId, aborted.signal);
          failures = 0;
          if (aborted.signal.aborted) return;
          if (s.status === 'signed_in') return props.onDone();
          if (s.status !== 'pending') return props.onStatus(s.status);
        } catch (err) {
          if (aborted.signal.aborted) return;
          if (err instanceof ApiError && err.code === 'flow_invalid') return props.onLost(err.message);
          // A dropped connection: wait a little and ask again.
          await new Promise((r) => setTimeout(r, Math.min(5_000, 500 * 2 ** failures++)));
        }
      }
    })();
    return () => aborted.abort();
  }, [status, challenge.challengeId]);

  const outcome = status === 'pending' || status === 'signed_in' ? null : OUTCOMES[status];
  return (
    <div class="stack">
      {props.identity}
      <Heading>Approve sign-in request</Heading>
      {outcome ? (
        <div class="outcome outcome-bad" role="alert" data-outcome={status}>
          <Icon name="warn" />
          <div class="stack">
            <h2>{outcome.title}</h2>
            <p>{outcome.text}</p>
          </div>
        </div>
      ) : (
        <>
          <div class="outcome">
            <Icon name="app" class="accent" />
            <p class="lead">Open your Authenticator app, and enter the number shown to sign in.</p>
          </div>
          <BigNumber value={challenge.number} />
          <Countdown expiresAt={challenge.expiresAt} />
          <p class="small muted">No numbers in your app? Make sure to update to the latest version.</p>
        </>
      )}
      <StepError message={props.error} />
      <div class="signin-links">
        {/* After a report another request would only ask the same person again: start over instead. */}
        {outcome && (
          <Button kind="primary" class="align-start" onClick={status === 'reported' ? props.onRestart : props.onResend} busy={props.busy} autoFocus>
            {status === 'reported' ? 'Start over' : 'Send another request'}
          </Button>
        )}
        <Button kind="link" onClick={props.onCantUse}>
          I can't use my Authenticator app right now
        </Button>
        {mode === 'passwordless' && props.flow.methods.includes('password') && (
          <Button kind="link" onClick={props.onUsePassword}>
            Use your password instead
          </Button>
        )}
      </div>
    </div>
  );
}

type Way = 'tap' | 'passkey' | 'app' | 'sms' | 'password';

/**
 * The other ways in, in the server's order: before the password, those the tenant offers;
 * after it, the second factors the server named for this user, with a pass first when the
 * user holds one (the way back for someone whose app is lost).
 */
function otherWays(flow: Flow): Way[] {
  const { methods, passwordDone, secondFactors, tapUsable } = flow;
  if (passwordDone) {
    const second: Way[] = secondFactors ? secondFactors.map((m) => (m === 'authenticator' ? 'app' : m)) : ['app'];
    return tapUsable ? ['tap', ...second] : second;
  }
  return methods.flatMap((m): Way[] => (m === 'passwordless' ? ['app'] : m === 'tap' || m === 'passkey' || m === 'sms' || m === 'password' ? [m] : []));
}

const WAYS: Record<Way, { icon: Parameters<typeof Icon>[0]['name']; label: string }> = {
  tap: { icon: 'pass', label: 'Use a Temporary Access Pass' },
  passkey: { icon: 'key', label: 'Sign in with a passkey' },
  app: { icon: 'app', label: 'Approve a request on my Authenticator app' },
  sms: { icon: 'sms', label: 'Text me a code' },
  password: { icon: 'password', label: 'Use your password' },
};

function OtherMethods(props: StepProps & {
  flow: Flow;
  onPassword: () => void;
  onTap: () => void;
  onApp: () => void;
  onPasskey: () => void;
  onSms: () => void;
}): JSX.Element {
  const ways = otherWays(props.flow);
  const run: Record<Way, () => void> = { tap: props.onTap, passkey: props.onPasskey, app: props.onApp, sms: props.onSms, password: props.onPassword };
  const onlyApp = ways.every((w) => w === 'app');
  return (
    <div class="stack">
      {props.identity}
      <Heading>Verify your identity</Heading>
      {props.flow.passwordDone && props.flow.pushRefused && (
        <p role="status" class="notice">
          {props.flow.pushRefused}
        </p>
      )}
      <StepError message={props.error} />
      <ul class="method-list">
        {ways.map((w) => (
          <li key={w}>
            <button type="button" onClick={run[w]} disabled={props.busy}>
              <Icon name={WAYS[w].icon} />
              <span>{WAYS[w].label}</span>
            </button>
          </li>
        ))}
      </ul>
      {onlyApp && <p class="small muted">No other sign-in methods are available for your account. Ask your helpdesk for a Temporary Access Pass, then start again.</p>}
    </div>
  );
}

/** A code sent by text message: sent when the step opens, "Send a new code" sends another. */
function SmsStep(props: StepProps & {
  flow: Flow;
  setError: (m: string | null) => void;
  onBack: () => void;
  onCode: (codeId: string, code: string) => void;
}): JSX.Element {
  const [sent, setSent] = useState<SentCode | null>(null);
  const [sending, setSending] = useState(false);
  const [code, setCode] = useState('');
  const send = async () => {
    setSending(true);
    props.setError(null);
    try {
      setSent(await signin.sendSms(props.flow.flowId));
      setCode('');
    } catch (err) {
      props.setError(messageOf(err));
    } finally {
      setSending(false);
    }
  };
  useEffect(() => {
    void send();
  }, []);
  return (
    <Form
      class="stack"
      onSubmit={() => {
        if (sent) props.onCode(sent.codeId, code);
      }}
    >
      {props.identity}
      <Heading focus={false}>Enter code</Heading>
      {sent ? <p role="status">We texted a code to {sent.to}. Enter it to sign in.</p> : sending ? <Spinner label="Sending a code…" /> : null}
      <Field
        id="sms-code"
        label="Code"
        hideLabel
        placeholder="Code"
        inputMode="numeric"
        autoComplete="one-time-code"
        value={code}
        onInput={(v) => setCode(v.replace(/\D/g, ''))}
        error={props.error}
        autoFocus
        required
      />
      <div class="signin-links">
        <Button kind="link" onClick={() => void send()} disabled={sending}>
          Send a new code
        </Button>
        <Button kind="link" onClick={props.onBack}>
          Other ways to sign in
        </Button>
      </div>
      <SubmitButton label="Verify" busy={props.busy} disabled={!sent} />
    </Form>
  );
}

function TapStep(props: StepProps & { onBack: () => void; onPass: (pass: string) => void }): JSX.Element {
  const [pass, setPass] = useState('');
  return (
    <Form class="stack" onSubmit={() => props.onPass(pass)}>
      {props.identity}
      <Heading focus={false}>Enter Temporary Access Pass</Heading>
      <p>Enter the pass your helpdesk gave you.</p>
      <Field id="tap" label="Temporary Access Pass" hideLabel placeholder="Temporary Access Pass" autoComplete="one-time-code" value={pass} onInput={setPass} error={props.error} autoFocus required spellcheck={false} />
      <div class="signin-links">
        <Button kind="link" onClick={props.onBack}>
          Other ways to sign in
        </Button>
      </div>
      <SubmitButton label="Sign in" busy={props.busy} />
    </Form>
  );
}
