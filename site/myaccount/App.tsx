// My Account: overview, "Security info" (with the add-authenticator wizard and the
// passwordless-setup number), and "Recent activity" (with each sign-in's protocol timeline).
// Routes live after the `#`.
import type { JSX } from 'preact';
import { me as meApi } from '../shared/api.ts';
import { useHashRoute, useLoad, useTitle } from '../shared/hooks.ts';
import { ProtocolTimelinePage } from '../shared/protocol-timeline.tsx';
import { Shell, type NavItem } from '../shared/shell.tsx';
import { ErrorNotice, Spinner } from '../shared/ui.tsx';
import { Overview } from './Overview.tsx';
import { OtherSessionsNotice } from './OtherSessions.tsx';
import { PasswordlessSetupNotice, PasswordlessSetupPage } from './PasswordlessSetup.tsx';
import { RecentActivity } from './RecentActivity.tsx';
import { SecurityInfo } from './SecurityInfo.tsx';

const NAV: NavItem[] = [
  { route: '', label: 'Overview', icon: 'home' },
  { route: 'security-info', label: 'Security info', icon: 'shield', prefix: true },
  { route: 'recent-activity', label: 'Recent activity', icon: 'clock', prefix: true },
];

const ADMIN_ROLES = ['global_admin', 'policy_admin', 'helpdesk'];

export function App(): JSX.Element {
  const route = useHashRoute();
  const me = useLoad(meApi.get);
  const user = me.data?.user;
  const isAdmin = user?.roles.some((r) => ADMIN_ROLES.includes(r)) ?? false;
  const section = route.startsWith('security-info') ? 'Security info' : route.startsWith('recent-activity') ? 'Recent activity' : 'Overview';
  const timelineMatch = /^recent-activity\/([\w-]+)\/timeline$/.exec(route);
  useTitle(`${section} – My Account`);

  let page: JSX.Element;
  if (!me.data) page = me.error ? <ErrorNotice message={me.error} /> : <Spinner label="Loading your account…" />;
  else if (route === 'security-info') page = <SecurityInfo />;
  else if (route === 'security-info/passwordless') page = <PasswordlessSetupPage />;
  else if (route === 'recent-activity') page = <RecentActivity />;
  else if (timelineMatch) page = <ProtocolTimelinePage id={timelineMatch[1]!} read={meApi.signInTimeline} back={['#/recent-activity', 'Recent activity']} key={timelineMatch[1]} />;
  else page = <Overview me={me.data} />;

  return (
    <Shell product="My Account" tenant={me.data?.tenant} user={user} nav={NAV} route={route} extraLinks={isAdmin ? [{ href: '/admin/', label: 'Admin portal' }] : []}>
      {me.data && route !== 'security-info/passwordless' && <PasswordlessSetupNotice />}
      {me.data && <OtherSessionsNotice />}
      {page}
    </Shell>
  );
}
