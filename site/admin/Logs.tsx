// Monitoring: sign-in logs, audit logs (who changed what, before and after) and alerts.
import type { JSX } from 'preact';
import { SignInTable } from '../shared/activity.tsx';
import { admin } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { useLoad } from '../shared/hooks.ts';
import { Badge, Button, ErrorNotice, Heading, Spinner } from '../shared/ui.tsx';

function LogPage<T>(props: { title: string; intro: string; load: ReturnType<typeof useLoad<T>>; children: (data: T) => JSX.Element }): JSX.Element {
  const { load } = props;
  return (
    <>
      <div class="page-head">
        <Heading>{props.title}</Heading>
        <p class="muted">{props.intro}</p>
      </div>
      <section class="panel">
        <div class="panel-head">
          <span />
          <Button onClick={() => void load.reload()} busy={load.loading}>
            Refresh
          </Button>
        </div>
        <ErrorNotice message={load.error} />
        {load.data ? props.children(load.data) : <Spinner label="Loading…" />}
      </section>
    </>
  );
}

export function SignInsPage(): JSX.Element {
  const load = useLoad(admin.signIns);
  return (
    <LogPage title="Sign-in logs" intro="Every sign-in attempt: user, time, IP, browser, application, each step's method and result. The correlation id is the flow id." load={load}>
      {(d) => <SignInTable entries={d.entries} showUser />}
    </LogPage>
  );
}

const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));

export function AuditPage(): JSX.Element {
  const load = useLoad(admin.audit);
  return (
    <LogPage title="Audit logs" intro="Every change: who made it, what changed, and the state before and after." load={load}>
      {(d) =>
        d.entries.length === 0 ? (
          <p class="muted">No changes yet.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Activity</th>
                  <th scope="col">Initiated by</th>
                  <th scope="col">Target</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {d.entries.map((e) => (
                  <tr key={e.id}>
                    <td class="nowrap">{formatDateTime(e.at)}</td>
                    <td class="mono">{e.action}</td>
                    <td>
                      {e.actorUpn}
                      {e.ip && <div class="small muted mono">{e.ip}</div>}
                    </td>
                    <td>
                      {e.targetType} <span class="small muted mono">{e.targetId}</span>
                    </td>
                    <td>
                      <details>
                        <summary>Before and after</summary>
                        <p class="small muted">Before</p>
                        <pre class="json">{json(e.before)}</pre>
                        <p class="small muted">After</p>
                        <pre class="json">{json(e.after)}</pre>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </LogPage>
  );
}

const ALERT_KIND: Record<string, string> = { report: 'Reported as not me', lockout: 'Lockout', tap_issued: 'Temporary Access Pass issued' };

export function AlertsPage(): JSX.Element {
  const load = useLoad(admin.alerts);
  return (
    <LogPage title="Alerts" intro="Requests people reported as not theirs, lockouts, and passes issued." load={load}>
      {(d) =>
        d.alerts.length === 0 ? (
          <p class="muted">No alerts.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Kind</th>
                  <th scope="col">User</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {d.alerts.map((a) => (
                  <tr key={a.id}>
                    <td class="nowrap">{formatDateTime(a.at)}</td>
                    <td>
                      <Badge kind={a.kind === 'report' ? 'bad' : a.kind === 'lockout' ? 'warn' : 'neutral'}>{ALERT_KIND[a.kind] ?? a.kind}</Badge>
                    </td>
                    <td>
                      <a href={`#/users/${a.userId}`}>Open user</a>
                    </td>
                    <td>{a.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </LogPage>
  );
}
