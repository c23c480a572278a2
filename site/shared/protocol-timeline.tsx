// One sign-in's protocol timeline: each step in order, the signed push and the device's answer
// decoded with their signatures checked by the server as the page loads, and the correlation id
// that the server's log lines and the extension's request details carry too. The admin portal
// shows any sign-in's (from the sign-in logs), My Account a person's own (from Recent activity).
import type { JSX } from 'preact';
import type { SignInTimeline, TimelineStep } from './api.ts';
import { useLoad } from './hooks.ts';
import { Badge, Breadcrumb, Button, ErrorNotice, Heading, Spinner } from './ui.tsx';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });

const STEP_NAME: Record<TimelineStep['step'], string> = {
  start: 'Browser',
  step: 'Sign-in step',
  challenge: 'Server',
  push: 'Signed push',
  delivery: 'Delivery',
  answer: 'Signed answer',
  number: 'Number match',
  session: 'Session',
  end: 'Result',
};

function SignatureBadge({ check }: { check: NonNullable<TimelineStep['signature']> }): JSX.Element {
  const by = check.signer === 'server' ? "server's key" : "device's key";
  if (check.status === 'valid') return <Badge kind="ok">Signature valid ({by})</Badge>;
  if (check.status === 'invalid') return <Badge kind="bad">Signature invalid ({by})</Badge>;
  return <Badge kind="warn">Signature not checkable</Badge>;
}

function Step({ s }: { s: TimelineStep }): JSX.Element {
  const tone = s.signature?.status === 'invalid' || s.result === 'failure' ? 'failure' : s.result === 'pending' ? 'pending' : 'success';
  return (
    <li class={`timeline-${tone} protocol-step`} data-step={s.step} data-signature={s.signature?.status}>
      <span class="timeline-head">
        <span class="timeline-method">{STEP_NAME[s.step]}</span> <span>{s.title}</span>
      </span>
      <span class="small muted">
        {time.format(s.at)}
        {s.device && ` · ${s.device.name}`}
        {s.challengeId && (
          <>
            {' · request '}
            <span class="mono">{s.challengeId}</span>
          </>
        )}
      </span>
      {s.signature && (
        <span>
          <SignatureBadge check={s.signature} />
        </span>
      )}
      {s.fields && <pre class="json" aria-label="Decoded">{JSON.stringify(s.fields, null, 2)}</pre>}
      {(s.signedText || s.wire) && (
        <details>
          <summary>Signed bytes and the message on the wire</summary>
          {s.signedText && (
            <>
              <p class="small muted">The text the signature covers (UTF-8, one field a line)</p>
              <pre class="json">{s.signedText}</pre>
            </>
          )}
          {s.wire && (
            <>
              <p class="small muted">As {s.step === 'answer' ? 'received from the device' : 'sent to the device'}</p>
              <pre class="json">{s.wire}</pre>
            </>
          )}
          {s.signature && (
            <>
              <p class="small muted">Checked with the public key</p>
              <pre class="json">{s.signature.publicKey}</pre>
            </>
          )}
        </details>
      )}
    </li>
  );
}

/** `read`: the route that answers this sign-in's timeline for this page's reader; `back`: the list it was opened from. */
export function ProtocolTimelinePage({ id, read, back }: { id: string; read: (id: string) => Promise<SignInTimeline>; back: [href: string, label: string] }): JSX.Element {
  const load = useLoad(() => read(id), [id]);
  const t = load.data;
  return (
    <>
      <Breadcrumb trail={[back]} here="Protocol timeline" />
      <div class="page-head">
        <Heading>Protocol timeline</Heading>
        <p class="muted">
          Every step of one sign-in, in order, across the browser, the server and the authenticator. Each signed message is decoded and its signature checked again by the server
          now. The correlation id is in the server's log lines (<span class="mono">correlationId</span>) and in the extension's request details.
        </p>
      </div>
      <section class="panel">
        <ErrorNotice message={load.error} />
        {!t ? (
          <Spinner label="Loading…" />
        ) : (
          <>
            <div class="panel-head align-end">
              <dl class="kv">
                <dt>Correlation id</dt>
                <dd class="mono" data-testid="correlation-id">
                  {t.correlationId}
                </dd>
                <dt>User</dt>
                <dd>{t.upn}</dd>
                <dt>Result</dt>
                <dd>{t.result === 'success' ? 'Success' : t.result === 'failure' ? 'Failure' : 'In progress'}</dd>
                <dt>Server origin</dt>
                <dd class="mono">{t.origin}</dd>
              </dl>
              <span class="grow" />
              <Button onClick={() => void load.reload()} busy={load.loading}>
                Refresh
              </Button>
            </div>
            <ol class="timeline protocol-timeline" aria-label="Protocol steps">
              {t.steps.map((s, i) => (
                <Step s={s} key={i} />
              ))}
            </ol>
            <p class="small muted">Never shown: session ids, cookies, codes and passes; the number only once the request has ended.</p>
          </>
        )}
      </section>
    </>
  );
}
