// Sign-in log entries as people read them: My Account's "Recent activity" and the admin's sign-in logs.
import type { JSX } from 'preact';
import type { SignInEntry } from './api.ts';
import { failureName, formatDateTime, methodName } from './format.ts';
import { Badge } from './ui.tsx';

function resultBadge(e: SignInEntry): JSX.Element {
  if (e.result === 'success') return <Badge kind="ok">Successful sign-in</Badge>;
  if (e.result === 'failure') return <Badge kind="bad">Unsuccessful sign-in</Badge>;
  return <Badge>In progress</Badge>;
}

export function SignInTable({ entries, showUser }: { entries: SignInEntry[]; showUser?: boolean }): JSX.Element {
  if (entries.length === 0) return <p class="muted">No sign-ins yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Date</th>
            {showUser && <th scope="col">User</th>}
            <th scope="col">Result</th>
            <th scope="col">Application</th>
            <th scope="col">Location and IP</th>
            <th scope="col">Browser</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td class="nowrap">{formatDateTime(e.at)}</td>
              {showUser && <td>{e.upn}</td>}
              <td>
                {resultBadge(e)}
                {e.failureCode && <div class="small muted">{failureName(e.failureCode)}</div>}
              </td>
              <td>{e.app}</td>
              <td>
                {e.location || 'Unknown location'}
                <div class="small muted mono">{e.ip}</div>
              </td>
              <td>{e.browser}</td>
              <td>
                <details>
                  <summary>{e.methods.length ? e.methods.map(methodName).join(' + ') : 'Steps'}</summary>
                  <ol class="steps">
                    {e.steps.map((s, i) => (
                      <li key={i}>
                        {methodName(s.method)}: {s.detail === s.result ? s.detail : `${failureName(s.detail) || s.detail}`} ({s.result})
                      </li>
                    ))}
                  </ol>
                  <p class="small muted">
                    Correlation id <span class="mono">{e.id}</span>
                  </p>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
