// Sign-in log entries as people read them: My Account's "Recent activity" and the admin's sign-in logs.
// Each row opens to a detail pane: the result and its reason, the correlation id, each
// method tried and how it ended, and the attempt's steps as a timeline (method, what
// happened, result, how long it took). "Methods" are only those that succeeded.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SignInEntry } from './api.ts';
import { attemptsOf, stepOutcome, triedWithoutSuccess, type Outcome } from './attempts.ts';
import { failureName, formatDate, methodName } from './format.ts';
import { Badge } from './ui.tsx';

/** Left unfinished until its flow expired: the server ends it with this failure code. */
const isAbandoned = (e: SignInEntry) => e.result === 'failure' && e.failureCode === 'abandoned';

function resultBadge(e: SignInEntry): JSX.Element {
  if (e.result === 'success') return <Badge kind="ok">Successful sign-in</Badge>;
  if (isAbandoned(e)) return <Badge kind="warn">Abandoned</Badge>;
  if (e.result === 'failure') return <Badge kind="bad">Unsuccessful sign-in</Badge>;
  return <Badge>In progress</Badge>;
}

const REQUIREMENT: Record<string, string> = { single: 'Single-factor', multifactor: 'Multifactor', none: '' };

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`);
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
/** Short names for the table's narrow column; the detail pane and the timeline use the full ones. */
const SHORT_METHOD: Record<string, string> = { authenticator: 'Push notification', passwordless: 'Passwordless (app)', tap: 'Access Pass (TAP)', sms: 'SMS code' };
const shortMethod = (m: string) => SHORT_METHOD[m] ?? methodName(m);
const STEP_RESULT: Record<Outcome, string> = { success: 'Succeeded', failure: 'Failed', pending: 'Waiting', unanswered: 'No answer', continued: 'Continued' };

export function Timeline({ entry }: { entry: SignInEntry }): JSX.Element {
  if (entry.steps.length === 0) return <p class="small muted">No step was reached.</p>;
  return (
    <ol class="timeline" aria-label="Steps">
      {entry.steps.map((s, i) => {
        const outcome = stepOutcome(entry, i);
        return (
          <li key={i} class={`timeline-${outcome}`}>
            <span class="timeline-head">
              <span class="timeline-method">{methodName(s.method)}</span>
              <span class={`timeline-result timeline-result-${outcome}`}>{STEP_RESULT[outcome]}</span>
            </span>
            <span>{failureName(s.detail) || s.detail}</span>
            <span class="small muted">
              {timeOnly.format(s.at)} · took {duration(s.durationMs)}
              {s.challengeId && (
                <>
                  {' · request '}
                  <span class="mono">{s.challengeId}</span>
                </>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** Each method tried and how it ended, apart from the methods that got the person in. */
function Attempts({ entry }: { entry: SignInEntry }): JSX.Element {
  const attempts = attemptsOf(entry);
  if (attempts.length === 0) return <>—</>;
  return (
    <ul class="attempts" aria-label="Methods tried">
      {attempts.map((a) => (
        <li key={a.method}>
          {methodName(a.method)}: <span class={`timeline-result timeline-result-${a.outcome}`}>{STEP_RESULT[a.outcome]}</span>
          {a.outcome === 'failure' && <span class="muted"> ({failureName(a.detail) || a.detail})</span>}
        </li>
      ))}
    </ul>
  );
}

/** The detail pane of one attempt; `timelineOf`: where its protocol timeline is (the admin portal's, or My Account's own). */
function SignInDetails({ entry: e, timelineOf }: { entry: SignInEntry; timelineOf?: (id: string) => string }): JSX.Element {
  const total = e.steps.length ? e.steps.at(-1)!.at - e.at : 0;
  return (
    <div class="signin-details">
      <dl class="kv">
        <dt>Result</dt>
        <dd>
          {e.result === 'success' ? 'Success' : isAbandoned(e) ? 'Abandoned' : e.result === 'failure' ? 'Failure' : 'In progress'}
          {e.failureCode && (
            <>
              {' · '}
              <span class="mono">{e.failureCode}</span>
            </>
          )}
        </dd>
        {e.failureCode && (
          <>
            <dt>Failure reason</dt>
            <dd>{e.reason ?? failureName(e.failureCode)}</dd>
          </>
        )}
        {REQUIREMENT[e.requirement] && (
          <>
            <dt>Authentication requirement</dt>
            <dd>{REQUIREMENT[e.requirement]}</dd>
          </>
        )}
        <dt>Application</dt>
        <dd>{e.app || '—'}</dd>
        <dt>IP address</dt>
        <dd class="mono">{e.ip || '—'}</dd>
        <dt>Location</dt>
        <dd>{e.location || 'Unknown'}</dd>
        <dt>Browser and OS</dt>
        <dd>{[e.browser, e.os].filter(Boolean).join(' on ') || 'Unknown'}</dd>
        <dt>Methods used</dt>
        <dd>{e.methods.map(methodName).join(' + ') || 'None'}</dd>
        <dt>Attempts</dt>
        <dd>
          <Attempts entry={e} />
        </dd>
        <dt>Correlation id</dt>
        <dd>
          <span class="mono">{e.id}</span>
          {timelineOf && (
            <>
              {' · '}
              <a href={timelineOf(e.id)}>Protocol timeline</a>
            </>
          )}
        </dd>
        <dt>Duration</dt>
        <dd>{duration(total)}</dd>
      </dl>
      <div>
        <h3 class="section-title">Steps</h3>
        <Timeline entry={e} />
      </div>
    </div>
  );
}

/** One attempt; "Details" opens a full-width row under it with the detail pane. */
function SignInRow({ entry: e, showUser, timelineOf }: { entry: SignInEntry; showUser?: boolean; timelineOf?: (id: string) => string }): JSX.Element {
  const [open, setOpen] = useState(false);
  const columns = showUser ? 8 : 7;
  const tried = triedWithoutSuccess(e);
  return (
    <>
      <tr data-id={e.id} class={open ? 'row-open' : undefined}>
        <td class="nowrap">
          {formatDate(e.at)}
          <div class="small muted">{timeOnly.format(e.at)}</div>
        </td>
        {showUser && <td>{e.upn}</td>}
        <td>{e.app}</td>
        <td>
          {resultBadge(e)}
          {e.failureCode && <div class="small">{e.reason ?? failureName(e.failureCode)}</div>}
        </td>
        <td>
          {e.methods.length ? e.methods.map(shortMethod).join(' + ') : tried.length === 0 && <span class="muted">—</span>}
          {REQUIREMENT[e.requirement] && <div class="small muted">{REQUIREMENT[e.requirement]}</div>}
          {tried.length > 0 && (
            <div class="small muted">
              {e.methods.length ? 'Also tried: ' : 'Tried: '}
              {tried.map(shortMethod).join(', ')}
            </div>
          )}
        </td>
        <td>
          {e.location || 'Unknown location'}
          <div class="small muted mono">{e.ip}</div>
        </td>
        <td>
          {e.browser}
          {e.os && <div class="small muted">{e.os}</div>}
        </td>
        <td>
          <button type="button" class="btn btn-link" aria-expanded={open} aria-controls={`steps-${e.id}`} onClick={() => setOpen(!open)}>
            {open ? 'Hide details' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="detail-row" id={`steps-${e.id}`}>
          <td colSpan={columns}>
            <SignInDetails entry={e} timelineOf={timelineOf} />
          </td>
        </tr>
      )}
    </>
  );
}

export function SignInTable({ entries, showUser, timelineOf }: { entries: SignInEntry[]; showUser?: boolean; timelineOf?: (id: string) => string }): JSX.Element {
  if (entries.length === 0) return <p class="muted">No sign-ins.</p>;
  return (
    <div class="table-wrap">
      <table class="signins">
        <thead>
          <tr>
            <th scope="col">Date</th>
            {showUser && <th scope="col">User</th>}
            <th scope="col">Application</th>
            <th scope="col">Result</th>
            <th scope="col">Methods</th>
            <th scope="col">Location and IP</th>
            <th scope="col">Browser and OS</th>
            <th scope="col">
              <span class="sr-only">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <SignInRow key={e.id} entry={e} showUser={showUser} timelineOf={timelineOf} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
