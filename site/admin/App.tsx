// The admin portal: authentication method policies, users and their methods, and the logs.
// The page hides what a role cannot do; the server refuses it either way.
import type { JSX } from 'preact';
import { admin, lab as labApi, me as meApi, type Role } from '../shared/api.ts';
import { MeContext } from './can.ts';
import { useHashRoute, useLoad, useTitle } from '../shared/hooks.ts';
import { ProtocolTimelinePage } from '../shared/protocol-timeline.tsx';
import { Shell, type NavItem } from '../shared/shell.tsx';
import { ErrorNotice, Heading, Notice, Spinner } from '../shared/ui.tsx';
import { Home } from './Home.tsx';
import { AlertsPage, AuditPage, SignInsPage } from './Logs.tsx';
import { MonitoringPage } from './Monitoring.tsx';
import { AuthenticatorPolicyPage, PasskeyPolicyPage, PoliciesPage, RegistrationPolicyPage, SmsPolicyPage, TapPolicyPage } from './Policies.tsx';
import { UserPage } from './UserPage.tsx';
import { UsersPage } from './Users.tsx';
import { OutboxPage } from './Outbox.tsx';
import { AppsPage } from './Apps.tsx';
import { AppPage } from './AppPage.tsx';
import { LabBoardPage } from './LabBoard.tsx';
import { WhatIfPage } from './WhatIf.tsx';

const NAV: NavItem[] = [
  { route: '', label: 'Home', icon: 'home' },
  { route: 'users', label: 'Users', icon: 'users', prefix: true },
  { route: 'authentication-methods', label: 'Authentication methods', icon: 'key', prefix: true },
  { route: 'what-if', label: 'Policy what-if', icon: 'shield' },
  { route: 'apps', label: 'App registrations', icon: 'app', prefix: true },
  { route: 'signins', label: 'Sign-in logs', icon: 'list', prefix: true },
  { route: 'audit', label: 'Audit logs', icon: 'list' },
  { route: 'alerts', label: 'Alerts', icon: 'bell' },
  { route: 'monitoring', label: 'Monitoring settings', icon: 'shield' },
  { route: 'outbox', label: 'Lab outbox', icon: 'sms' },
  { route: 'lab', label: 'Lab board', icon: 'list' },
];

const ADMIN_ROLES: Role[] = ['global_admin', 'policy_admin', 'helpdesk'];

/** A log page opened from a link that carries its filter: #/audit?action=device.registered&actor=… */
const filterOf = (query: string | undefined): Record<string, string> => Object.fromEntries(new URLSearchParams(query ?? ''));

export function App(): JSX.Element {
  const [route, query] = useHashRoute().split('?', 2) as [string, string | undefined];
  const me = useLoad(meApi.get);
  const lab = useLoad(labApi.status);
  const isAdmin = me.data?.user.roles.some((r) => ADMIN_ROLES.includes(r)) ?? false;
  const roles = me.data?.user.roles ?? [];
  // The outbox is for those who hand out codes; app registrations are for global admins (the server refuses the others either way).
  // The lab board is for the instructor (policy admin and helpdesk) of a server in lab mode.
  const nav = NAV.filter((n) =>
    n.route === 'outbox'
      ? roles.includes('global_admin') || roles.includes('helpdesk')
      : n.route === 'apps'
        ? roles.includes('global_admin')
        : n.route === 'lab'
          ? lab.data?.enabled === true && (roles.includes('global_admin') || (roles.includes('policy_admin') && roles.includes('helpdesk')))
          : true,
  );
  const section = NAV.filter((n) => n.route && (route === n.route || route.startsWith(`${n.route}/`)))[0]?.label ?? 'Home';
  useTitle(`${section} – Admin center`);

  let page: JSX.Element;
  const userMatch = /^users\/([\w-]+)$/.exec(route);
  const appMatch = /^apps\/([\w-]+)$/.exec(route);
  const timelineMatch = /^signins\/([\w-]+)\/timeline$/.exec(route);
  if (!me.data) page = me.error ? <ErrorNotice message={me.error} /> : <Spinner label="Loading…" />;
  else if (!isAdmin)
    page = (
      <>
        <Heading>You don't have access</Heading>
        <Notice kind="warning">
          The admin portal is for administrators. <a href="/myaccount/">Go to My Account</a>
        </Notice>
      </>
    );
  else if (route === 'users') page = <UsersPage />;
  else if (userMatch) page = <UserPage id={userMatch[1]!} key={userMatch[1]} />;
  else if (route === 'authentication-methods' || route === 'authentication-methods/policies') page = <PoliciesPage />;
  else if (route === 'authentication-methods/policies/authenticator') page = <AuthenticatorPolicyPage />;
  else if (route === 'authentication-methods/policies/tap') page = <TapPolicyPage />;
  else if (route === 'authentication-methods/policies/passkey') page = <PasskeyPolicyPage />;
  else if (route === 'authentication-methods/policies/sms') page = <SmsPolicyPage />;
  else if (route === 'authentication-methods/policies/registration') page = <RegistrationPolicyPage />;
  else if (route === 'apps') page = <AppsPage />;
  else if (appMatch) page = <AppPage id={appMatch[1]!} key={appMatch[1]} />;
  else if (timelineMatch) page = <ProtocolTimelinePage id={timelineMatch[1]!} read={admin.signInTimeline} back={['#/signins', 'Sign-in logs']} key={timelineMatch[1]} />;
  else if (route === 'signins') page = <SignInsPage filter={filterOf(query)} key={query ?? ''} />;
  else if (route.startsWith('signins/user/')) page = <SignInsPage upn={decodeURIComponent(route.slice('signins/user/'.length))} key={route} />;
  else if (route.startsWith('signins/app/')) page = <SignInsPage app={decodeURIComponent(route.slice('signins/app/'.length))} key={route} />;
  else if (route === 'audit') page = <AuditPage filter={filterOf(query)} key={query ?? ''} />;
  else if (route === 'lab') page = <LabBoardPage />;
  else if (route === 'what-if') page = <WhatIfPage user={filterOf(query).user} acr={filterOf(query).acr} key={query ?? ''} />;
  else if (route === 'alerts') page = <AlertsPage />;
  else if (route === 'monitoring') page = <MonitoringPage />;
  else if (route === 'outbox') page = <OutboxPage />;
  else page = <Home me={me.data} />;

  return (
    <MeContext.Provider value={me.data ?? null}>
      <Shell product="Admin center" tenant={me.data?.tenant} user={me.data?.user} nav={isAdmin ? nav : []} route={route} extraLinks={[{ href: '/myaccount/', label: 'My Account' }]}>
        {page}
      </Shell>
    </MeContext.Provider>
  );
}
