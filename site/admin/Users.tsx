// Users: search, the list, and "New user" (global admins).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { admin, ROLE_LIST, type PublicUser, type Role } from '../shared/api.ts';
import { roleName } from '../shared/format.ts';
import { navigate, useAction, useLoad } from '../shared/hooks.ts';
import { Badge, Button, Checkbox, Dialog, ErrorNotice, Field, Form, FormButtons, Heading, Spinner, Table } from '../shared/ui.tsx';
import { useCan } from './can.ts';

export function userStatus(u: PublicUser): JSX.Element {
  if (u.disabled) return <Badge kind="bad">Sign-in blocked</Badge>;
  if (u.lockedUntil > Date.now()) return <Badge kind="warn">Locked out</Badge>;
  if (u.risk) return <Badge kind="bad">At risk</Badge>;
  return <Badge kind="ok">Enabled</Badge>;
}

export function UsersPage(): JSX.Element {
  const can = useCan();
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const users = useLoad(() => admin.users(search), [search]);
  return (
    <>
      <div class="page-head">
        <Heading>Users</Heading>
        <p class="muted">Everyone in the tenant. Open a user to reset the password, manage groups and roles, or see their authentication methods.</p>
      </div>
      <section class="panel">
        <div class="panel-head">
          <Form class="row grow" role="search" onSubmit={() => setSearch(query.trim())}>
            <Field id="user-search" label="Search users" hideLabel placeholder="Search by name or email" value={query} onInput={setQuery} class="grow" type="search" />
            <Button type="submit">Search</Button>
          </Form>
          {can('global_admin') && (
            <Button kind="primary" onClick={() => setCreating(true)}>
              + New user
            </Button>
          )}
        </div>
        <ErrorNotice message={users.error} />
        {!users.data ? (
          <Spinner label="Loading users…" />
        ) : users.data.users.length === 0 ? (
          <p class="muted">No users match “{search}”.</p>
        ) : (
          <Table columns={['Display name', 'User name', 'Roles', 'Groups', 'Status']}>
            {users.data.users.map((u) => (
              <tr key={u.id}>
                <td>
                  <a href={`#/users/${u.id}`}>{u.displayName}</a>
                </td>
                <td>{u.upn}</td>
                <td>{u.roles.filter((r) => r !== 'user').map(roleName).join(', ') || 'User'}</td>
                <td>{u.groups.join(', ') || <span class="muted">—</span>}</td>
                <td>{userStatus(u)}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      {creating && <NewUser onClose={() => setCreating(false)} />}
    </>
  );
}

function NewUser({ onClose }: { onClose: () => void }): JSX.Element {
  const [displayName, setDisplayName] = useState('');
  const [upn, setUpn] = useState('');
  const [password, setPassword] = useState('');
  const [groups, setGroups] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const create = useAction(async () => {
    const user = await admin.createUser({
      displayName,
      upn,
      password,
      groups: groups.split(',').map((g) => g.trim()).filter(Boolean),
      roles: ['user', ...roles],
    });
    onClose();
    navigate(`users/${user.id}`);
  });
  return (
    <Dialog title="New user" onClose={onClose}>
      <Form class="stack" onSubmit={() => void create.run()}>
        <Field id="new-display-name" label="Display name" value={displayName} onInput={setDisplayName} required autoFocus />
        <Field id="new-upn" label="User name" type="email" value={upn} onInput={setUpn} hint="Like name@pushkey.test" required spellcheck={false} />
        <Field id="new-password" label="Password" type="password" autoComplete="new-password" value={password} onInput={setPassword} hint="At least 8 characters. Give it to the user over a channel you trust." required />
        <Field id="new-groups" label="Groups" value={groups} onInput={setGroups} hint="Comma-separated, e.g. Pilot, Staff" />
        <RoleCheckboxes idPrefix="new-role" roles={roles} onChange={setRoles} />
        <ErrorNotice message={create.error} />
        <FormButtons submit="Create" onCancel={onClose} busy={create.busy} />
      </Form>
    </Dialog>
  );
}

/** "Roles": a checkbox for each role beyond "User" (everyone has that one). */
export function RoleCheckboxes({ idPrefix, roles, onChange }: { idPrefix: string; roles: Role[]; onChange: (roles: Role[]) => void }): JSX.Element {
  return (
    <fieldset class="radios">
      <legend>Roles</legend>
      {ROLE_LIST.filter((r) => r !== 'user').map((r) => (
        <Checkbox key={r} id={`${idPrefix}-${r}`} label={roleName(r)} checked={roles.includes(r)} onChange={(on) => onChange(on ? [...roles, r] : roles.filter((x) => x !== r))} />
      ))}
    </fieldset>
  );
}
