// Monitoring: sign-in logs and audit logs (with filters and CSV/JSON export), and alerts.
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { activityName, AUDIT_ACTIONS } from '../../protocol/audit-actions.ts';
import { SignInTable } from '../shared/activity.tsx';
import { SignInChart } from './SignInChart.tsx';
import { admin, type Alert, type LogFilter, type PublicUser } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { useLoad } from '../shared/hooks.ts';
import { Badge, Button, ErrorNotice, Field, Heading, Spinner } from '../shared/ui.tsx';

/** The day's first and last millisecond in the browser's time zone ("" → no bound). */
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).getTime() : undefined);
const dayEnd = (d: string) => (d ? new Date(`${d}T23:59:59.999`).getTime() : undefined);

/** A filter form whose fields are applied together; `toFilter` maps the draft to the query. */
function FilterBar(props: { children: ComponentChildren; onApply: () => void; onReset: () => void; exports: { csv: string; json: string } }): JSX.Element {
  return (
    <form
      class="filters"
      role="search"
      aria-label="Filters"
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply();
      }}
    >
      <div class="form-grid">{props.children}</div>
      <div class="row">
        <Button kind="primary" type="submit">
          Apply
        </Button>
        <Button onClick={props.onReset}>Reset</Button>
        <span class="grow" />
        <a class="btn" href={props.exports.csv} download>
          Download CSV
        </a>
        <a class="btn" href={props.exports.json} download>
          Download JSON
        </a>
      </div>
    </form>
  );
}

function Select(props: { id: string; label: string; value: string; onChange: (v: string) => void; options: [string, string][] }): JSX.Element {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.options.map(([value, label]) => (
          <option value={value} key={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The fields of a link's filter that the form shows as they are (times stay in the filter only). */
const pick = (from: Record<string, string>, keys: string[]): Record<string, string> => Object.fromEntries(keys.flatMap((k) => (from[k] ? [[k, from[k]]] : [])));

/** Rows asked for at once; "Show more" asks for this many more. */
const PAGE = 200;

/** "Show more" when the page came back full: there may be older entries. */
function ShowMore({ shown, limit, onMore, busy }: { shown: number; limit: number; onMore: () => void; busy: boolean }): JSX.Element | null {
  if (shown < limit) return null;
  return (
    <div class="row">
      <span class="small muted">Showing the newest {shown}.</span>
      <Button onClick={onMore} busy={busy}>
        Show more
      </Button>
    </div>
  );
}

const EMPTY_SIGNIN = { upn: '', method: '', result: '', app: '', ip: '', from: '', to: '' };

/** `upn`: opened from an alert (#/signins/user/<upn>), filtered to that person; `app`: from an app registration (#/signins/app/<name>). */
/** `filter`: opened from a link that carries one (#/signins?upn=…&method=…&from=…, the lab board's cells). */
export function SignInsPage({ upn = '', app = '', filter: given = {} }: { upn?: string; app?: string; filter?: Record<string, string> }): JSX.Element {
  const [draft, setDraft] = useState({ ...EMPTY_SIGNIN, upn, app, ...pick(given, ['upn', 'method', 'result', 'app', 'ip']) });
  const [filter, setFilter] = useState<LogFilter>({ ...(upn ? { upn } : {}), ...(app ? { app } : {}), ...given });
  const [limit, setLimit] = useState(PAGE);
  const load = useLoad(() => admin.signIns({ ...filter, limit }), [filter, limit]);
  const chart = useLoad(() => admin.signInChart(filter), [filter]);
  /** Application names seen so far, offered in the Application field (the filter matches a name exactly). */
  const [apps] = useState(() => new Set<string>());
  for (const e of load.data?.entries ?? []) if (e.app) apps.add(e.app);
  const set = (k: keyof typeof EMPTY_SIGNIN) => (v: string) => setDraft({ ...draft, [k]: v });
  const toFilter = (d: typeof EMPTY_SIGNIN): LogFilter => ({ upn: d.upn.trim(), method: d.method, result: d.result, app: d.app.trim(), ip: d.ip.trim(), from: dayStart(d.from), to: dayEnd(d.to) });
  return (
    <>
      <div class="page-head">
        <Heading>Sign-in logs</Heading>
        <p class="muted">Every sign-in attempt: who, when, from where, with which methods, and why it failed. Open a row for its steps; the correlation id is the flow id.</p>
      </div>
      <section class="panel">
        <FilterBar
          onApply={() => {
            setLimit(PAGE);
            setFilter(toFilter(draft));
          }}
          onReset={() => {
            setDraft(EMPTY_SIGNIN);
            setFilter({});
          }}
          exports={{ csv: admin.exportUrl('signins', filter, 'csv'), json: admin.exportUrl('signins', filter, 'json') }}
        >
          <Field id="f-upn" label="User" value={draft.upn} onInput={set('upn')} placeholder="name@domain" hint="The user name or its start" />
          <Select
            id="f-method"
            label="Method"
            value={draft.method}
            onChange={set('method')}
            options={[
              ['', 'Any'],
              ['password', 'Password'],
              ['authenticator', 'Authenticator (notification)'],
              ['passwordless', 'Authenticator (passwordless)'],
              ['tap', 'Temporary Access Pass'],
              ['passkey', 'Passkey'],
              ['sms', 'Text message (SMS)'],
            ]}
          />
          <Select
            id="f-result"
            label="Result"
            value={draft.result}
            onChange={set('result')}
            options={[
              ['', 'Any'],
              ['success', 'Success'],
              ['failure', 'Failure'],
              ['in_progress', 'In progress'],
            ]}
          />
          <Field id="f-app" label="Application" value={draft.app} onInput={set('app')} list="f-app-names" hint="The exact name, as the log shows it" />
          <datalist id="f-app-names">
            {[...apps].map((a) => (
              <option value={a} key={a} />
            ))}
          </datalist>
          <Field id="f-ip" label="IP address" value={draft.ip} onInput={set('ip')} />
          <Field id="f-from" label="From" type="date" value={draft.from} onInput={set('from')} />
          <Field id="f-to" label="To" type="date" value={draft.to} onInput={set('to')} />
        </FilterBar>
        <ErrorNotice message={load.error ?? chart.error} />
        {load.data ? (
          <>
            {/* Hidden while a new filter loads: the old counts beside the new rows would mislead. */}
            {chart.data && !chart.loading && <SignInChart data={chart.data} />}
            <SignInTable entries={load.data.entries} showUser timelineOf={(id) => `#/signins/${id}/timeline`} />
            <ShowMore shown={load.data.entries.length} limit={limit} onMore={() => setLimit(limit + PAGE)} busy={load.loading} />
          </>
        ) : (
          <Spinner label="Loading…" />
        )}
      </section>
    </>
  );
}

const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));

/** Names for user ids in the logs (every admin role may list users). */
function useUserNames(): Map<string, PublicUser> {
  const users = useLoad(() => admin.users(''));
  return new Map((users.data?.users ?? []).map((u) => [u.id, u]));
}

const EMPTY_AUDIT = { actor: '', action: '', target: '', ip: '', from: '', to: '' };

/** `filter`: opened from a link that carries one (#/audit?action=…&actor=…&from=…, the lab board's cells). */
export function AuditPage({ filter: given = {} }: { filter?: Record<string, string> }): JSX.Element {
  const [draft, setDraft] = useState({ ...EMPTY_AUDIT, ...pick(given, ['actor', 'action', 'ip']), target: given.targetId ?? '' });
  const [filter, setFilter] = useState<LogFilter>(given);
  const [limit, setLimit] = useState(PAGE);
  const load = useLoad(() => admin.audit({ ...filter, limit }), [filter, limit]);
  const names = useUserNames();
  const set = (k: keyof typeof EMPTY_AUDIT) => (v: string) => setDraft({ ...draft, [k]: v });
  const [targetError, setTargetError] = useState<string | null>(null);
  /** The target is a user's UPN (looked up to the id the log keeps) or any id as the log shows it. */
  const targetId = (t: string): string | null => {
    const text = t.trim();
    if (!text.includes('@')) return text;
    return [...names.values()].find((u) => u.upn.toLowerCase() === text.toLowerCase())?.id ?? null;
  };
  const apply = () => {
    const target = targetId(draft.target);
    setTargetError(target === null ? `No user ${draft.target.trim()}.` : null);
    if (target === null) return;
    setLimit(PAGE);
    setFilter({ actor: draft.actor.trim(), action: draft.action.trim(), targetId: target, ip: draft.ip.trim(), from: dayStart(draft.from), to: dayEnd(draft.to) });
  };
  return (
    <>
      <div class="page-head">
        <Heading>Audit logs</Heading>
        <p class="muted">Every change: who made it, what changed, and the state before and after.</p>
      </div>
      <section class="panel">
        <FilterBar
          onApply={apply}
          onReset={() => {
            setDraft(EMPTY_AUDIT);
            setTargetError(null);
            setFilter({});
          }}
          exports={{ csv: admin.exportUrl('audit', filter, 'csv'), json: admin.exportUrl('audit', filter, 'json') }}
        >
          <Field id="a-actor" label="Initiated by" value={draft.actor} onInput={set('actor')} placeholder="name@domain" />
          <Field id="a-action" label="Activity" value={draft.action} onInput={set('action')} list="a-action-names" placeholder="e.g. device.revoked" hint="An identifier, or its start (device.)" />
          <datalist id="a-action-names">
            {Object.entries(AUDIT_ACTIONS).map(([action, words]) => (
              <option value={action} label={words} key={action} />
            ))}
          </datalist>
          <Field id="a-target" label="Target" value={draft.target} onInput={set('target')} placeholder="name@domain or an id" error={targetError} />
          <Field id="a-ip" label="IP address" value={draft.ip} onInput={set('ip')} />
          <Field id="a-from" label="From" type="date" value={draft.from} onInput={set('from')} />
          <Field id="a-to" label="To" type="date" value={draft.to} onInput={set('to')} />
        </FilterBar>
        <ErrorNotice message={load.error} />
        {!load.data ? (
          <Spinner label="Loading…" />
        ) : load.data.entries.length === 0 ? (
          <p class="muted">No changes.</p>
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
                {load.data.entries.map((e) => {
                  const user = e.targetType === 'user' ? names.get(e.targetId) : undefined;
                  return (
                    <tr key={e.id}>
                      <td class="nowrap">{formatDateTime(e.at)}</td>
                      <td data-action={e.action}>{activityName(e.action)}</td>
                      <td>
                        {e.actorUpn}
                        {e.ip && <div class="small muted mono">{e.ip}</div>}
                      </td>
                      <td>
                        {user ? (
                          <a href={`#/users/${user.id}`}>{user.upn}</a>
                        ) : (
                          <>
                            {e.targetType} <span class="small muted mono">{e.targetId}</span>
                          </>
                        )}
                      </td>
                      <td>
                        <details>
                          <summary>Before and after</summary>
                          <p class="small muted">Activity</p>
                          <p class="mono">{e.action}</p>
                          <p class="small muted">Before</p>
                          <pre class="json">{json(e.before)}</pre>
                          <p class="small muted">After</p>
                          <pre class="json">{json(e.after)}</pre>
                        </details>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <ShowMore shown={load.data.entries.length} limit={limit} onMore={() => setLimit(limit + PAGE)} busy={load.loading} />
          </div>
        )}
      </section>
    </>
  );
}

const ALERT_KIND: Record<Alert['kind'], string> = {
  report: 'Reported as not me',
  lockout: 'Lockout',
  tap_issued: 'Temporary Access Pass issued',
  push_fatigue: 'Push fatigue',
  new_location: 'New IP or location',
  push_throttled: 'Requests throttled',
};

export function AlertsPage(): JSX.Element {
  const [kind, setKind] = useState<Alert['kind'] | ''>('');
  const load = useLoad(() => admin.alerts({ kind }), [kind]);
  const names = useUserNames();
  return (
    <>
      <div class="page-head">
        <Heading>Alerts</Heading>
        <p class="muted">Requests people reported as not theirs, bursts of denied requests, lockouts, sign-ins from somewhere new, and passes issued.</p>
      </div>
      <section class="panel">
        <div class="panel-head align-end">
          <Select id="alert-kind" label="Kind" value={kind} onChange={(v) => setKind(v as Alert['kind'] | '')} options={[['', 'All kinds'], ...(Object.entries(ALERT_KIND) as [string, string][])]} />
          <span class="grow" />
          <a href="#/monitoring">Thresholds and retention</a>
          <Button onClick={() => void load.reload()} busy={load.loading}>
            Refresh
          </Button>
        </div>
        <ErrorNotice message={load.error} />
        {!load.data ? (
          <Spinner label="Loading…" />
        ) : load.data.alerts.length === 0 ? (
          <p class="muted">{kind ? 'No alerts of this kind.' : 'No alerts.'}</p>
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
                {load.data.alerts.map((a) => (
                  <tr key={a.id}>
                    <td class="nowrap">{formatDateTime(a.at)}</td>
                    <td>
                      <Badge kind={a.kind === 'report' || a.kind === 'push_fatigue' ? 'bad' : a.kind === 'tap_issued' ? 'neutral' : 'warn'}>{ALERT_KIND[a.kind] ?? a.kind}</Badge>
                    </td>
                    <td>
                      <a href={`#/users/${a.userId}`}>{names.get(a.userId)?.upn ?? 'Open user'}</a>
                      {names.get(a.userId) && (
                        <div class="small">
                          <a href={`#/signins/user/${encodeURIComponent(names.get(a.userId)!.upn)}`}>
                            Sign-ins<span class="sr-only"> of {names.get(a.userId)!.upn}</span>
                          </a>
                        </div>
                      )}
                    </td>
                    <td>{a.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
