// A person's sign-in methods as a table: My Account's "Security info" and a user's page in
// the admin portal list the same methods with the same cells.
import type { ComponentChildren, JSX } from 'preact';
import type { PasskeyView } from './api.ts';
import { Button, Icon, Table, type IconName } from './ui.tsx';

/** The table: "Method", then `columns`, then an actions column named only for screen readers. */
export function MethodsTable({ columns, children }: { columns: string[]; children: ComponentChildren }): JSX.Element {
  return <Table columns={['Method', ...columns, <span class="sr-only">Actions</span>]}>{children}</Table>;
}

/** A row's first cell: the method's icon and name. */
export function MethodCell({ icon, name }: { icon: IconName; name: string }): JSX.Element {
  return (
    <td>
      <span class="method-cell">
        <Icon name={icon} />
        {` ${name}`}
      </span>
    </td>
  );
}

/** A passkey's name, and whether it syncs between devices. */
export function PasskeyDetailCell({ passkey }: { passkey: Pick<PasskeyView, 'name' | 'backedUp'> }): JSX.Element {
  return (
    <td>
      {passkey.name}
      {passkey.backedUp && <div class="small muted">Synced passkey</div>}
    </td>
  );
}

/** A row's last cell: "Delete", named for screen readers by what it deletes. */
export function DeleteCell({ label, onClick }: { label: string; onClick: () => void }): JSX.Element {
  return (
    <td>
      <Button kind="link" onClick={onClick} aria-label={label}>
        Delete
      </Button>
    </td>
  );
}
