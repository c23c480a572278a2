// The frame of My Account and the admin portal: a top bar with the tenant and the person,
// a side navigation, and the main area (with a skip link for keyboard users).
import type { ComponentChildren, JSX } from 'preact';
import { signin, type PublicUser } from './api.ts';
import { Icon, Initials, Logo } from './ui.tsx';
import { LabBanner } from './lab-banner.tsx';

export interface NavItem {
  route: string;
  label: string;
  icon: Parameters<typeof Icon>[0]['name'];
  /** Also current for routes under it (users/… under users). */
  prefix?: boolean;
}

export async function signOut(): Promise<void> {
  await signin.signOut().catch(() => undefined);
  location.assign('/login/');
}

export function Shell(props: {
  product: string;
  tenant: string | undefined;
  user: PublicUser | undefined;
  nav: NavItem[];
  route: string;
  extraLinks?: { href: string; label: string }[];
  children: ComponentChildren;
}): JSX.Element {
  const current = (item: NavItem) => (item.prefix ? props.route === item.route || props.route.startsWith(item.route + '/') : props.route === item.route);
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <LabBanner />
      <header class="topbar">
        <Logo tenant={props.tenant} />
        <span class="topbar-product">{props.product}</span>
        <span class="topbar-spacer" />
        {props.extraLinks?.map((l) => (
          <a class="topbar-link" href={l.href} key={l.href}>
            {l.label}
          </a>
        ))}
        {props.user && (
          <span class="topbar-user">
            <Initials name={props.user.displayName} />
            <span class="topbar-user-text">
              <span class="topbar-user-name">{props.user.displayName}</span>
              <span class="topbar-user-upn">{props.user.upn}</span>
            </span>
            <button type="button" class="btn btn-subtle" onClick={() => void signOut()}>
              <Icon name="out" /> Sign out
            </button>
          </span>
        )}
      </header>
      <div class="shell-body">
        <nav class="sidenav" aria-label={props.product}>
          <ul>
            {props.nav.map((item) => (
              <li key={item.route}>
                <a href={`#/${item.route}`} aria-current={current(item) ? 'page' : undefined}>
                  <Icon name={item.icon} />
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="content" tabIndex={-1}>
          {props.children}
        </main>
      </div>
    </div>
  );
}
