// Who is signed in to the portal, and what their roles allow (global admins hold every role, as on the server).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me, Role } from '../shared/api.ts';

export const MeContext = createContext<Me | null>(null);

export function useCan(): (role: Role) => boolean {
  const me = useContext(MeContext);
  return (role) => !!me && (me.user.roles.includes(role) || me.user.roles.includes('global_admin'));
}
