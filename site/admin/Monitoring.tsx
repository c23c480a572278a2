// Monitoring settings: when an alert is raised (push fatigue, a new location), the push
// throttle that turns push bombing into a logged block, and how long logs are kept, with
// "Purge now" for global admins. Policy admins save; the helpdesk only reads (the server
// refuses anyone else either way). The server validates; its refusal is shown at the field.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { admin, ApiError, messageOf, type MonitoringPolicy, type PurgeCounts } from '../shared/api.ts';
import { formatMinutes } from '../shared/format.ts';
import { useLoad } from '../shared/hooks.ts';
import { Button, Dialog, ErrorNotice, Field, Heading, Notice, Spinner, Toggle } from '../shared/ui.tsx';
import { useCan } from './can.ts';

type NumberKey = Exclude<keyof MonitoringPolicy, 'alertNewLocation'>;
type Texts = Record<NumberKey, string>;
const NUMBER_KEYS: NumberKey[] = ['fatigueCount', 'fatigueWindowMinutes', 'throttleOutstanding', 'throttlePerWindow', 'throttleWindowMinutes', 'reportPauseMinutes', 'retentionDays'];

const toTexts = (p: MonitoringPolicy): Texts => Object.fromEntries(NUMBER_KEYS.map((k) => [k, String(p[k])])) as Texts;

/** `Invalid … field "fatigueCount": Invalid value: Expected <=100 but received 500` → the field and its reason, in words. */
function fieldError(err: unknown): { field: string; reason: string } | null {
  if (!(err instanceof ApiError) || err.code !== 'bad_request') return null;
  const m = /field "([\w.]+)": (.*)$/.exec(err.message);
  if (!m) return null;
  const reason = m[2]!;
  const most = /Expected <=(\d+)/.exec(reason);
  const least = /Expected >=(\d+)/.exec(reason);
  const words = most ? `The most allowed is ${most[1]}.` : least ? `The least allowed is ${least[1]}.` : /integer/i.test(reason) ? 'Enter a whole number.' : reason;
  return { field: m[1]!, reason: words };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function MonitoringPage(): JSX.Element {
  const can = useCan();
  const editable = can('policy_admin');
  const loaded = useLoad(() => admin.policy('monitoring'));
  const [texts, setTexts] = useState<Texts | null>(null);
  const [alertNewLocation, setAlertNewLocation] = useState(true);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const reset = (p: MonitoringPolicy) => {
    setTexts(toTexts(p));
    setAlertNewLocation(p.alertNewLocation);
    setErrors({});
    setFormError(null);
  };
  useEffect(() => {
    if (loaded.data) reset(loaded.data);
  }, [loaded.data]);

  const set = (k: NumberKey) => (v: string) => {
    setSaved(false);
    setTexts((t) => (t ? { ...t, [k]: v } : t));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const save = async () => {
    if (!texts) return;
    setSaved(false);
    setFormError(null);
    const local: Record<string, string> = {};
    for (const k of NUMBER_KEYS) if (!/^\d+$/.test(texts[k].trim())) local[k] = 'Enter a whole number.';
    setErrors(local);
    if (Object.keys(local).length) return;
    const next = { ...(Object.fromEntries(NUMBER_KEYS.map((k) => [k, Number(texts[k])])) as Record<NumberKey, number>), alertNewLocation };
    setBusy(true);
    try {
      reset(await admin.savePolicy('monitoring', next));
      setSaved(true);
    } catch (err) {
      const f = fieldError(err);
      if (f && (NUMBER_KEYS as string[]).includes(f.field)) setErrors({ [f.field]: f.reason });
      else setFormError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const number = (k: NumberKey, label: string, hint: string) =>
    texts && <Field id={`mon-${k}`} label={label} type="number" inputMode="numeric" value={texts[k]} onInput={set(k)} hint={hint} error={errors[k]} />;
  const minutesHint = (k: NumberKey, range: string) => (texts && /^\d+$/.test(texts[k]) && Number(texts[k]) > 0 ? `${formatMinutes(Number(texts[k]))} · ${range}` : range);

  return (
    <>
      <div class="page-head">
        <nav class="breadcrumb" aria-label="Breadcrumb">
          <a href="#/">Home</a>
          <span aria-hidden="true">›</span>
          <a href="#/alerts">Alerts</a>
          <span aria-hidden="true">›</span>
          <span>Monitoring settings</span>
        </nav>
        <Heading>Monitoring settings</Heading>
        <p class="muted">When to raise an alert, how many sign-in requests a person may get before the rest are blocked, and how long the logs are kept.</p>
      </div>
      {!editable && <Notice kind="info">You can view these settings. Changing them needs the Authentication policy administrator role.</Notice>}
      <ErrorNotice message={loaded.error} />
      {!texts ? (
        <Spinner label="Loading the settings…" />
      ) : (
        <form
          class="stack"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <fieldset class="panel" disabled={!editable}>
            <legend class="sr-only">Push fatigue alert</legend>
            <h2>Push fatigue alert</h2>
            <p class="muted small">An alert when someone keeps getting sign-in requests they deny or leave unanswered: often an attacker with the password hoping for a tired "Approve".</p>
            <div class="form-grid">
              {number('fatigueCount', 'Denied or unanswered requests', 'From 1 to 100')}
              {number('fatigueWindowMinutes', 'Within (minutes)', minutesHint('fatigueWindowMinutes', 'From 1 to 1440'))}
            </div>
          </fieldset>

          <fieldset class="panel" disabled={!editable}>
            <legend class="sr-only">Push throttle</legend>
            <h2>Push throttle</h2>
            <p class="muted small">Past these limits no more requests reach the person's authenticator: the sign-in is refused, logged as blocked, and an alert is raised.</p>
            <div class="form-grid">
              {number('throttleOutstanding', 'Requests waiting at once', 'Per person · from 1 to 20')}
              {number('throttlePerWindow', 'New requests per window', 'Per person · from 1 to 500')}
              {number('throttleWindowMinutes', 'Window (minutes)', minutesHint('throttleWindowMinutes', 'From 1 to 1440'))}
            </div>
          </fieldset>

          <fieldset class="panel" disabled={!editable}>
            <legend class="sr-only">After a report</legend>
            <h2>After “No, it’s not me”</h2>
            <p class="muted small">A person who reports a request as not theirs gets no push for this long (whoever has the password would just try again), is told by email, and is marked at risk in Users until an administrator clears it.</p>
            <div class="form-grid">{number('reportPauseMinutes', 'Pause pushes for (minutes)', 'From 0 (no pause) to 1440')}</div>
          </fieldset>

          <fieldset class="panel" disabled={!editable}>
            <legend class="sr-only">New location alert</legend>
            <h2>New location alert</h2>
            <Toggle
              id="mon-alertNewLocation"
              label="Alert on a sign-in from an IP address or location new for that person"
              checked={alertNewLocation}
              onChange={(v) => {
                setSaved(false);
                setAlertNewLocation(v);
              }}
            />
          </fieldset>

          <fieldset class="panel" disabled={!editable}>
            <legend class="sr-only">Retention</legend>
            <h2>Retention</h2>
            <div class="form-grid">{number('retentionDays', 'Keep sign-in logs, audit logs and alerts for (days)', 'From 1 to 3650 · older entries are purged every hour')}</div>
          </fieldset>

          <ErrorNotice message={formError} />
          {Object.values(errors).some(Boolean) && <Notice kind="error">Nothing was saved: correct the field marked above.</Notice>}
          {saved && <Notice kind="success">Monitoring settings saved.</Notice>}
          {editable && (
            <div class="row">
              <Button kind="primary" type="submit" busy={busy}>
                Save
              </Button>
              <Button onClick={() => loaded.data && (reset(loaded.data), setSaved(false))}>Discard</Button>
            </div>
          )}
        </form>
      )}
      {can('global_admin') && texts && loaded.data && <PurgePanel retentionDays={loaded.data.retentionDays} />}
    </>
  );
}

/** "Purge now": deletes what is past retention at once (the server also does it hourly), then says what went. */
function PurgePanel({ retentionDays }: { retentionDays: number }): JSX.Element {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<PurgeCounts | null>(null);
  const purge = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await admin.purge());
      setConfirming(false);
    } catch (err) {
      setError(messageOf(err));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="purge-title">
      <h2 id="purge-title">Purge now</h2>
      <p class="muted small">Deletes sign-in log entries, audit entries and alerts older than {plural(retentionDays, 'day')}, and expired sign-in flows, requests and sessions. The purge is itself audited.</p>
      <ErrorNotice message={error} />
      {result && (
        <Notice kind="success" title="Purged">
          <p data-testid="purged">
            Deleted {plural(result.signIns, 'sign-in log entry', 'sign-in log entries')}, {plural(result.audit, 'audit entry', 'audit entries')}, {plural(result.alerts, 'alert')} and{' '}
            {plural(result.transient, 'expired record')}.
          </p>
        </Notice>
      )}
      <div class="row">
        <Button kind="danger" onClick={() => setConfirming(true)}>
          Purge now
        </Button>
      </div>
      {confirming && (
        <Dialog title="Purge old records now?" onClose={() => setConfirming(false)}>
          <p>Everything older than {plural(retentionDays, 'day')} is deleted for good. Export the logs first if you need them.</p>
          <div class="row">
            <Button kind="danger" busy={busy} onClick={() => void purge()} autoFocus>
              Purge
            </Button>
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
