// Policy what-if: pick a user (and, if you like, the level an app asks for) and see what
// sign-in offers them now: the ways in, in order, what follows the password, what the push
// shows, and for each method the policy and the rule that decided. The server builds it from
// the rules sign-in runs; this page only lays it out.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ACR } from '../../protocol/acr.ts';
import { POLICIES } from '../../protocol/http/policies.ts';
import { admin, type MethodVerdict, type WhatIf, type WhatIfRule } from '../shared/api.ts';
import { formatDateTime, methodName } from '../shared/format.ts';
import { navigate, useLoad } from '../shared/hooks.ts';
import { MethodCell } from '../shared/methods.tsx';
import { Badge, Breadcrumb, Button, ErrorNotice, Field, Form, Heading, Notice, Spinner, Table, type IconName } from '../shared/ui.tsx';

const ICONS: Record<MethodVerdict['method'], IconName> = { password: 'password', passwordless: 'app', authenticator: 'app', tap: 'pass', passkey: 'key', sms: 'sms' };

/** The levels an app may ask for, as the select offers them. */
const LEVELS: [string, string][] = [
  ['', 'No app level (the portal, My Account)'],
  [ACR.sfa, 'One factor (urn:pushkey:acr:sfa)'],
  [ACR.mfa, 'Two factors (urn:pushkey:acr:mfa)'],
  [ACR.phr, 'Phishing-resistant (phr)'],
];

/** The rule that decided, in a few words. */
function ruleName(v: MethodVerdict): string {
  const group = v.group ? ` “${v.group}”` : '';
  const words: Record<WhatIfRule, string> = {
    policy_off: 'Policy off',
    user_disabled: 'Sign-in blocked',
    excluded_group: `Excluded group${group}`,
    all_users: 'Targets all users',
    included_group: `Targets group${group}`,
    not_included: 'Not in a targeted group',
    mode_push: 'Mode: Push',
    mode_passwordless: 'Mode: Passwordless',
    no_device: 'No authenticator',
    not_passwordless: 'Passwordless not set up',
    no_passkey: 'No passkey',
    no_phone: 'No phone',
    phone_unverified: 'Phone not verified',
    sms_signin_off: 'SMS sign-in off',
    stronger_method: 'Stronger method exists',
    tap_none: 'No pass',
    tap_used: 'Pass used',
    tap_expired: 'Pass expired',
    tap_not_yet_valid: 'Pass not valid yet',
    tap_active: 'Valid pass',
    always: 'Always',
    acr: 'App’s level',
  };
  return words[v.rule];
}

const whatIfLink = (user: string, acr: string) => `what-if?${new URLSearchParams({ user, ...(acr ? { acr } : {}) }).toString()}`;

export function WhatIfPage({ user, acr = '' }: { user?: string; acr?: string }): JSX.Element {
  const result = useLoad(() => (user ? admin.whatIf(user, acr || undefined) : Promise.resolve(null)), [user, acr]);
  const w = result.data;
  return (
    <>
      <div class="page-head">
        <Breadcrumb trail={[['#/', 'Home'], ['#/authentication-methods', 'Authentication methods']]} here="Policy what-if" />
        <Heading>Policy what-if</Heading>
        <p class="muted">
          Pick a user to see which methods they get at sign-in now, in which order, what the push will show, and which policy and rule decided each one. It reads the
          same rules sign-in runs, with the policies and the user's methods as they are now.
        </p>
      </div>
      <Picker user={user} userName={w?.user.displayName} acr={acr} />
      <ErrorNotice message={result.error} />
      {user && !w && !result.error && <Spinner label="Reading the policies…" />}
      {w && <Result w={w} />}
    </>
  );
}

function Picker({ user, userName, acr }: { user?: string; userName?: string; acr: string }): JSX.Element {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<string | null>(user ? null : '');
  const found = useLoad(() => (search === null ? Promise.resolve(null) : admin.users(search)), [search]);
  return (
    <section class="panel stack" aria-labelledby="picker-title">
      <h2 id="picker-title">User and app</h2>
      {user && search === null ? (
        <div class="row">
          <span>
            User: <strong data-testid="what-if-user">{userName ?? '…'}</strong>
          </span>
          <Button kind="link" onClick={() => setSearch('')}>
            Change user
          </Button>
          {userName && <a href={`#/users/${user}`}>Open the user</a>}
        </div>
      ) : (
        <>
          <Form class="row grow" role="search" onSubmit={() => setSearch(query.trim())}>
            <Field id="what-if-search" label="Find a user" hideLabel placeholder="Search by name or email" value={query} onInput={setQuery} class="grow" type="search" />
            <Button type="submit">Search</Button>
          </Form>
          <ErrorNotice message={found.error} />
          {found.data && (
            <ul class="method-list" aria-label="Users">
              {found.data.users.slice(0, 12).map((u) => (
                <li key={u.id}>
                  <button type="button" onClick={() => { setSearch(null); navigate(whatIfLink(u.id, acr)); }}>
                    <strong>{u.displayName}</strong>
                    <span class="muted">{u.upn}</span>
                  </button>
                </li>
              ))}
              {found.data.users.length === 0 && <li class="muted">No users match “{search}”.</li>}
            </ul>
          )}
        </>
      )}
      <div class="field">
        <label for="what-if-acr">The app asks for</label>
        <select id="what-if-acr" value={acr} onChange={(e) => user && navigate(whatIfLink(user, e.currentTarget.value))} disabled={!user}>
          {LEVELS.map(([value, label]) => (
            <option value={value} key={value}>
              {label}
            </option>
          ))}
        </select>
        <p class="hint">An app that signs in through OpenID Connect may ask for a level (acr_values); sign-in then leaves out what does not reach it.</p>
      </div>
    </section>
  );
}

const names = (ms: readonly string[]) => ms.map(methodName).join(', then ');

/** The password step's answer, in words. */
function afterPasswordWords(w: WhatIf): string {
  const a = w.afterPassword;
  if (a.next === 'signed_in') return 'The password alone signs the user in.';
  if (a.next === 'step_up_required') return 'Refused: the app asks for more than the password, and the user has no second factor that reaches it.';
  const rest = a.secondFactors.slice(1);
  const instead = rest.length ? ` The user may pick instead: ${rest.map(methodName).join(', ')}.` : '';
  return a.next === 'mfa_required'
    ? `The push goes out at once, with a number to type in the Authenticator app.${instead}`
    : `The page asks for ${methodName(a.secondFactors[0]!)}.${instead}`;
}

function Result({ w }: { w: WhatIf }): JSX.Element {
  const a = w.afterPassword;
  return (
    <>
      <section class="panel stack" aria-labelledby="summary-title">
        <h2 id="summary-title">At sign-in, {w.user.displayName}</h2>
        <p class="small muted">
          {w.user.upn} · groups: {w.user.groups.join(', ') || 'none'} · as of {formatDateTime(w.at)}
        </p>
        {w.blocked && (
          <Notice kind="error" title="This account cannot sign in now">
            {w.blocked.message}
          </Notice>
        )}
        <dl class="kv">
          <dt>Ways in, in order</dt>
          <dd data-testid="ways-in">
            <ol class="plain-order">
              {w.waysIn.map((m) => (
                <li key={m}>
                  {methodName(m)}
                  {m === 'password' && a.secondFactors.length > 0 && `, then ${names(a.secondFactors.slice(0, 1))}`}
                </li>
              ))}
            </ol>
          </dd>
          <dt>After the password</dt>
          <dd data-testid="after-password">
            {afterPasswordWords(w)}
            {a.refused && (
              <div class="field-error">
                {a.next === 'mfa_required' ? 'Refused now' : 'The push is refused now, so these stand in for it'}: {a.refused.message}
              </div>
            )}
            {a.tapUsable && <div class="small muted">The page also tells the user their Temporary Access Pass works.</div>}
          </dd>
          <dt>Default method</dt>
          <dd>{w.defaultMethod.why}</dd>
          <dt>The page offers</dt>
          <dd>
            {w.page.map(methodName).join(' · ')}
            <div class="small muted">The same for every user name, so the page tells nobody what an account has; a way the user lacks fails as for an unknown name.</div>
          </dd>
        </dl>
      </section>
      <VerdictTable id="first-step" title="First step: the ways in" intro="Every way to begin a sign-in, the ones offered first, in the order the page prefers them." verdicts={w.signIn} numbered={w.waysIn.length} />
      <VerdictTable
        id="second-step"
        title="After the password: second factors"
        intro="What may follow a right password, the one asked for first at the top. None: the password alone signs in."
        verdicts={w.secondFactors}
        numbered={a.secondFactors.length}
      />
      <Prompt w={w} />
    </>
  );
}

function VerdictTable({ id, title, intro, verdicts, numbered }: { id: string; title: string; intro: string; verdicts: MethodVerdict[]; numbered: number }): JSX.Element {
  return (
    <section class="panel" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p class="muted">{intro}</p>
      <Table columns={['#', 'Method', 'Result', 'Decided by', 'Why']}>
        {verdicts.map((v, i) => (
          <tr key={v.method} data-method={v.method} data-rule={v.rule}>
            <td>{i < numbered ? i + 1 : ''}</td>
            <MethodCell icon={ICONS[v.method]} name={methodName(v.method)} />
            <td class="nowrap">
              {!v.available ? <Badge>Not offered</Badge> : v.refused ? <Badge kind="warn">Offered, refused now</Badge> : <Badge kind="ok">Offered</Badge>}
            </td>
            <td>
              {v.policy ? <a href={`#/authentication-methods/policies/${v.policy}`}>{POLICIES[v.policy].label}</a> : <span class="muted">—</span>}
              <div class="small muted">{ruleName(v)}</div>
            </td>
            <td>
              {v.why}
              {v.refused && <div class="field-error">{v.refused.message}</div>}
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

function Prompt({ w }: { w: WhatIf }): JSX.Element {
  const p = w.prompt;
  return (
    <section class="panel stack" aria-labelledby="prompt-title" data-testid="prompt">
      <div class="panel-head">
        <h2 id="prompt-title">What the push shows</h2>
        <a href="#/authentication-methods/policies/authenticator">Authenticator policy</a>
      </div>
      <dl class="kv">
        <dt>Number to type</dt>
        <dd>{p.numberLength} digits, shown on the sign-in page</dd>
        <dt>Application name</dt>
        <dd>{p.application ? 'Shown' : 'Hidden'}</dd>
        <dt>Location and IP address</dt>
        <dd>{p.location ? 'Shown' : 'Hidden'}</dd>
        <dt>App lock (PIN)</dt>
        <dd>{p.appLock ? 'Required to approve: the approval proves two factors' : 'Not required'}</dd>
        <dt>Expires after</dt>
        <dd>{p.lifetimeSeconds} seconds</dd>
        <dt>Authenticators</dt>
        <dd>
          {p.devices.length === 0 ? (
            <span class="muted">None: no push can reach this user.</span>
          ) : (
            <ul class="plain-order">
              {p.devices.map((x, i) => (
                <li key={i}>
                  {x.name} · version {x.clientVersion} · {x.passwordless ? 'passwordless' : 'notifications'}{' '}
                  {x.upToDate ? <Badge kind="ok">Up to date</Badge> : <Badge kind="bad">Too old: the policy asks for {p.minClientVersion} or later, with number matching</Badge>}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}
