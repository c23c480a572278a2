// Sign-in log entries as people read them: My Account's "Recent activity" and the admin's sign-in logs.
// Each row opens to the attempt's steps as a timeline (method, what happened, result, how long).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SignInEntry } from './api.ts';
import { failureName, formatDateTime, methodName } from './format.ts';
import { Badge } from './ui.tsx';

function resultBadge(e: SignInEntry): JSX.Element {
  if (e.result === 'success') return <Badge kind="ok">Successful sign-in</Badge>;
  if (e.result === 'failure') return <Badge kind="bad">Unsuccessful sign-in</Badge>;
  return <Badge>In progress</Badge>;
}

const REQUIREMENT: Record<string, string> = { single: 'Single-factor', multifactor: 'Multifactor', none: '' };

const duration = (ms: number | undefined) => (ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export function Timeline({ entry }: { entry: SignInEntry }): JSX.Element {
  return (
    <ol class="timeline">
      {entry.steps.map((s, i) => (
        <li key={i} class={`timeline-${s.result}`}>
          <span class="timeline-method">{methodName(s.method)}</span>
          <span>
            {failureName(s.detail) || s.detail} <span class="muted">({s.result})</span>
          </span>
          <span class="small muted">
            {formatDateTime(s.at)}
            {s.durationMs !== undefined && ` · +${duration(s.durationMs)}`}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** One attempt; "Details" opens a full-width row under it with the timeline. */
function SignInRow({ entry: e, showUser }: { entry: SignInEntry; showUser?: boolean }): JSX.Element {
  const [open, setOpen] = useState(false);
  const columns = showUser ? 7 : 6;
  return (
    <>
      <tr>
        <td class="nowrap">{formatDateTime(e.at)}</td>
        {showUser && <td>{e.upn}</td>}
        <td>
          {resultBadge(e)}
          {e.failureCode && <div class="small muted">{e.reason ?? failureName(e.failureCode)}</div>}
        </td>
        <td>
          {e.methods.length ? e.methods.map(methodName).join(' + ') : <span class="muted">—</span>}
          {REQUIREMENT[e.requirement] && <div class="small muted">{REQUIREMENT[e.requirement]}</div>}
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
            <dl class="kv">
              <dt>Application</dt>
              <dd>{e.app}</dd>
              <dt>Correlation id</dt>
              <dd class="mono">{e.id}</dd>
            </dl>
            <Timeline entry={e} />
          </td>
        </tr>
      )}
    </>
  );
}

export function SignInTable({ entries, showUser }: { entries: SignInEntry[]; showUser?: boolean }): JSX.Element {
  if (entries.length === 0) return <p class="muted">No sign-ins.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Date</th>
            {showUser && <th scope="col">User</th>}
            <th scope="col">Result</th>
            <th scope="col">Methods</th>
            <th scope="col">Location and IP</th>
            <th scope="col">Browser</th>
            <th scope="col">
              <span class="sr-only">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <SignInRow key={e.id} entry={e} showUser={showUser} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
