// The prompt window: one request at a time from the worker's queue (newest first). The
// person reads the context, types the number shown on their sign-in screen, and answers.
// Nothing fills the number in. The request on screen stays there until it ends; then the
// newest waiting one comes, under a line that says how the previous one ended, or, when
// none waits, the outcome alone until the worker puts the window away: minimized, kept
// ready for the next request (it refuses while a request waits, which then shows here).
import { Fragment, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, onBroadcast, takePromptQueue, type AppLockStatus, type RequestView } from '../messaging/index.ts';
import { ErrorNote, Field, Spinner, Button } from '../ui/components.tsx';
import { hintText, requestDetails, secondsLeft, statusText } from '../ui/format.ts';
import { ERRORS, isErrorCode } from '../../protocol/errors.ts';
import { Icon } from '../ui/icons.tsx';
import { t } from '../ui/i18n.ts';

/** How long an outcome stays on screen before the window is put away, or its line above the next request goes. */
const OUTCOME_MS = 2_500;

type Outcome = { tone: 'ok' | 'error'; title: string; text: string };
const EXPIRED: Outcome = { tone: 'error', title: statusText('expired'), text: t('promptExpiredText') };

export function Prompt(): JSX.Element {
  const [queue, setQueue] = useState<RequestView[] | null>(null);
  // The request the person is looking at: it stays on screen while it is open.
  const [selected, setSelected] = useState<RequestView | null>(null);
  // Requests that ended in this window: a reload that has not caught up never shows them again.
  const [ended, setEnded] = useState<ReadonlySet<string>>(new Set());
  // The request being answered here leaves the queue before its answer comes back: not "closed elsewhere".
  const [answering, setAnswering] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  // The worker's answer is the truth; the queue it left with the window only stands until then.
  const answered = useRef(false);
  const fromWorker = (q: RequestView[]) => {
    answered.current = true;
    setQueue(q);
  };
  const load = () => void call('promptQueue', {}).then(fromWorker, () => fromWorker([]));
  useEffect(() => {
    void takePromptQueue().then((q) => q && !answered.current && setQueue(q), () => undefined);
    load();
    return onBroadcast((m) => (m.type === 'promptQueue' ? fromWorker(m.queue) : m.type === 'requestsChanged' && load()));
  }, []);

  // What expired while nobody looked is dropped (the worker's timers die when Chrome stops it);
  // the request on screen stays until its own countdown says it expired.
  const live = (queue ?? []).filter((r) => !ended.has(r.key) && (r.key === selected?.key || r.expiresAt > Date.now()));
  const onScreen = live.find((r) => r.key === selected?.key);
  // Nothing takes the place of the request on screen until it has ended here, with its outcome said.
  const current = selected ? onScreen : live[0];
  const liveCount = useRef(0);
  liveCount.current = live.length;

  const finish = (key: string, o: Outcome) => {
    setEnded((prev) => new Set(prev).add(key));
    setSelected(null);
    setAnswering(null);
    // A fresh object: two requests that end alike each get their own time on screen.
    setOutcome({ ...o });
  };

  useEffect(() => {
    if (!queue || !selected || selected.key === answering || ended.has(selected.key)) return;
    // The request on screen left the queue without an answer from here: it ended elsewhere. Say so
    // before anything else is shown, so a number is never typed into another sign-in unawares.
    if (!queue.some((r) => r.key === selected.key)) {
      finish(selected.key, Date.now() >= selected.expiresAt ? EXPIRED : { tone: 'error', title: t('promptClosedTitle'), text: t('promptClosedText') });
    }
  }, [queue, answering]);

  useEffect(() => {
    if (!selected && current) setSelected(current);
  }, [selected, current?.key]);

  // The worker learns what the person has had in front of them: a window closed by hand reopens
  // only for requests it never showed.
  useEffect(() => {
    if (current) void call('promptShowing', { key: current.key }).catch(() => undefined);
  }, [current?.key]);

  // Put away (minimized by the worker, kept ready for the next request): nothing runs until
  // a request comes, or the person brings the window back by hand.
  const [parked, setParked] = useState(false);
  const showing = live.length > 0;
  useEffect(() => {
    if (showing) setParked(false);
  }, [showing]);
  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && setParked(false);
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);
  useEffect(() => {
    document.title = parked ? t('promptTitleParked') : t('promptTitleAsking');
  }, [parked]);

  // Each refusal counts, so that the idle put-away below is tried again after one.
  const [refusals, setRefusals] = useState(0);
  /** The worker puts the window away unless requests wait; those come back and are shown. */
  const putAway = async () => {
    const rest = await call('parkPrompt', {}).catch(() => null);
    if (rest && rest.queue.length > 0) {
      setQueue(rest.queue);
      setOutcome(null);
      setRefusals((n) => n + 1);
      return;
    }
    if (rest?.parked) {
      setOutcome(null);
      setParked(true);
      return;
    }
    // The worker is unreachable, or this is not the window it keeps (it lost its id, so a new
    // request opens a new window anyway): this one closes.
    window.close();
  };

  useEffect(() => {
    if (!outcome) return undefined;
    const t = setTimeout(() => (liveCount.current > 0 ? setOutcome(null) : void putAway()), OUTCOME_MS);
    return () => clearTimeout(t);
  }, [outcome]);

  // Nothing to show (everything ended before it loaded, or brought back by hand): say so, then go away.
  const idle = queue !== null && !showing && !outcome && !answering && !parked;
  useEffect(() => {
    if (!idle) return undefined;
    const t = setTimeout(() => void putAway(), OUTCOME_MS);
    return () => clearTimeout(t);
  }, [idle, refusals]);

  let body: JSX.Element;
  if (!queue) body = <Spinner label={t('loading')} />;
  else if (!current) {
    if (answering) body = <Spinner label={t('promptSending')} />;
    else if (outcome) body = <OutcomeView outcome={outcome} />;
    else body = <Spinner label={selected ? t('promptChecking') : t('promptNothing')} />;
  } else
    body = (
      <>
        {outcome && <OutcomeLine outcome={outcome} />}
        <Ask
          key={current.key}
          request={current}
          more={live.length - 1}
          onSending={(on) => setAnswering(on ? current.key : null)}
          onOutcome={(o) => finish(current.key, o)}
        />
      </>
    );

  return <div class="app prompt">{body}</div>;
}

/** How the previous request ended, above the next one. */
function OutcomeLine({ outcome }: { outcome: Outcome }): JSX.Element {
  return (
    <p class={`note ${outcome.tone === 'ok' ? 'ok' : 'error'} outcome-line`} role="status" aria-live="assertive" data-outcome={outcome.title}>
      <strong>{outcome.title}.</strong> {outcome.text} {t('promptAnotherBelow')}
    </p>
  );
}

function OutcomeView({ outcome }: { outcome: Outcome }): JSX.Element {
  return (
    <main class="content">
      <div class="hero" role="status" aria-live="assertive" data-outcome={outcome.title}>
        <span class={`avatar big${outcome.tone === 'error' ? ' off' : ''}`} aria-hidden="true">
          <Icon name={outcome.tone === 'ok' ? 'check' : 'cross'} />
        </span>
        <h2>{outcome.title}</h2>
        <p class="muted">{outcome.text}</p>
      </div>
    </main>
  );
}

/** How the person's own decision ends a request; an error's outcome comes from protocol/errors.ts. */
const OUTCOMES: Record<'approved' | 'approved_setup' | 'denied' | 'reported', Outcome> = {
  approved: { tone: 'ok', title: statusText('approved'), text: t('promptApprovedText') },
  approved_setup: { tone: 'ok', title: statusText('approved'), text: t('promptApprovedSetupText') },
  denied: { tone: 'error', title: statusText('denied'), text: t('promptDeniedText') },
  reported: { tone: 'error', title: statusText('reported'), text: t('promptReportedText') },
};

type Stage = 'ask' | 'report' | 'sending';

const PIN = /^\d{6,12}$/;

function Ask(props: { request: RequestView; more: number; onSending: (on: boolean) => void; onOutcome: (o: Outcome) => void }): JSX.Element {
  const { request, more, onOutcome } = props;
  const [stage, setStage] = useState<Stage>('ask');
  const [number, setNumber] = useState('');
  const [error, setError] = useState<string | null>(null);
  // The app lock: asked before an approval when set; chosen here when the policy needs one and none is set.
  const [lock, setLock] = useState<AppLockStatus | null>(null);
  const [pin, setPin] = useState('');
  const [pinAgain, setPinAgain] = useState('');
  useEffect(() => void call('appLockStatus', {}).then(setLock, () => setLock({ set: false, triesLeft: 0 })), []);
  const choosePin = lock !== null && !lock.set && request.appLock === 'required';
  const [left, setLeft] = useState(secondsLeft(request.expiresAt));

  useEffect(() => {
    const t = setInterval(() => setLeft(secondsLeft(request.expiresAt)), 1000);
    return () => clearInterval(t);
  }, [request.expiresAt]);
  useEffect(() => {
    if (left === 0 && stage !== 'sending') onOutcome(EXPIRED);
  }, [left, stage]);

  async function answer(decision: 'approve' | 'deny' | 'report') {
    if (decision === 'approve' && !/^\d{2,8}$/.test(number)) {
      setError(t('promptNumberMissing'));
      return;
    }
    if (decision === 'approve' && (lock?.set || choosePin) && !PIN.test(pin)) {
      setError(choosePin ? t('lockChoosePin') : t('promptPinInvalid'));
      return;
    }
    if (decision === 'approve' && choosePin && pin !== pinAgain) {
      setError(t('lockPinsDiffer'));
      return;
    }
    setError(null);
    setStage('sending');
    props.onSending(true);
    try {
      if (decision === 'approve' && choosePin) setLock(await call('setAppLock', { pin }));
      const withPin = decision === 'approve' && (lock?.set || choosePin) ? { pin } : {};
      const { outcome } = await call('answerRequest', { key: request.key, decision, number: decision === 'approve' ? number : '', ...withPin });
      onOutcome(OUTCOMES[outcome === 'approved' && request.kind === 'passwordless_setup' ? 'approved_setup' : outcome]);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // protocol/errors.ts says which codes end the request; the worker's message is the
      // table's words for the code (or the server's, naming versions or the clock).
      const ends = isErrorCode(code) ? ERRORS[code].final : null;
      if (ends && ends !== 'failed') return onOutcome({ tone: 'error', title: statusText(ends), text: (err as Error).message });
      // The worker decides whether the request is still open (nothing was decided: offline, the
      // rate limit): then the person may try again here; otherwise it has ended.
      const stillOpen = await call('promptQueue', {}).then((q) => q.some((r) => r.key === request.key), () => false);
      if (stillOpen) {
        props.onSending(false);
        setPin('');
        setError((err as Error).message);
        setStage(decision === 'approve' ? 'ask' : 'report');
        return;
      }
      onOutcome({ tone: 'error', title: t('promptSendFailed'), text: (err as Error).message });
    }
  }

  const setup = request.kind === 'passwordless_setup';
  const title = setup ? t('promptAskSetup') : t('promptAskSignIn');
  const details = requestDetails(request);

  if (stage === 'sending') return <Spinner label={t('promptSending')} />;

  return (
    <main class="content" data-challenge={request.challengeId}>
      <header class="hero">
        <span class="avatar big" aria-hidden="true">
          {(request.tenant || request.upn || '?')[0]!.toUpperCase()}
        </span>
        {/* Element Timing names the paint that put this request on screen (bench/extension-prompt.bench.ts reads it). */}
        <h1 style="font-size:20px;font-weight:600" elementtiming={`request ${request.challengeId}`}>
          {title}
        </h1>
        <p>
          <strong>{request.tenant}</strong>
          <br />
          <span class="muted">{request.upn}</span>
          <br />
          <span class="muted" data-testid="server-host">
            {new URL(request.origin).host}
          </span>
        </p>
        {request.kind === 'test' && <p class="badge">{t('promptTestBadge')}</p>}
      </header>
      {request.hints && request.hints.length > 0 && (
        <ul class="note warn hints" role="alert" aria-label={t('promptHintsLabel')}>
          {request.hints.map((h) => (
            <li key={h.kind} data-hint={h.kind}>
              {hintText(h)}
            </li>
          ))}
        </ul>
      )}
      {details.length > 0 && (
        <dl class="details card" aria-label={t('promptDetailsLabel')}>
          {details.map(([k, v]) => (
            <Fragment key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      {stage === 'ask' ? (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void answer('approve');
          }}
        >
          <Field
            id="number"
            label={setup ? t('promptNumberSetup') : t('promptNumberSignIn')}
            value={number}
            onInput={(v) => setNumber(v.replace(/\D/g, ''))}
            inputMode="numeric"
            class="number-input"
            maxLength={8}
            autoFocus
            invalid={!!error}
          />
          {lock?.set && (
            <Field id="pin" label={t('promptPin')} type="password" value={pin} onInput={(v) => setPin(v.replace(/\D/g, ''))} inputMode="numeric" maxLength={12} />
          )}
          {choosePin && (
            <div class="stack" role="group" aria-labelledby="choose-pin">
              <p id="choose-pin" class="note info">
                {t('promptChoosePinExplain')}
              </p>
              <Field id="new-pin" label={t('lockNewPin')} type="password" value={pin} onInput={(v) => setPin(v.replace(/\D/g, ''))} inputMode="numeric" maxLength={12} />
              <Field id="new-pin-again" label={t('lockPinAgain')} type="password" value={pinAgain} onInput={(v) => setPinAgain(v.replace(/\D/g, ''))} inputMode="numeric" maxLength={12} />
            </div>
          )}
          <ErrorNote message={error} />
          <div class="actions">
            <button type="button" class="btn" onClick={() => setStage('report')}>
              {t('promptNotMe')}
            </button>
            <button type="submit" class="btn primary">
              {t('promptYes')}
            </button>
          </div>
        </form>
      ) : (
        <div class="stack" role="alertdialog" aria-labelledby="rq" aria-describedby="rd">
          <p id="rq">
            <strong>{t('promptReportQuestion')}</strong>
          </p>
          <p id="rd" class="muted">
            {t('promptReportExplain')}
          </p>
          <ErrorNote message={error} />
          <div class="actions">
            <button type="button" class="btn" onClick={() => void answer('deny')}>
              {t('promptDontReport')}
            </button>
            <Button type="button" class="btn danger solid" onClick={() => void answer('report')} autoFocus>
              {t('promptReport')}
            </Button>
          </div>
        </div>
      )}
      <p class="muted small center countdown" aria-live="off">
        {more > 0 ? t('promptExpiresInMore', left, more) : t('promptExpiresIn', left)}
      </p>
    </main>
  );
}
