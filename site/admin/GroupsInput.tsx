// A list of group names, with suggestions from the groups the tenant's users are in.
import type { JSX } from 'preact';
import { admin } from '../shared/api.ts';
import { useLoad } from '../shared/hooks.ts';
import { ChipsInput, type ChipsInputProps } from './ChipsInput.tsx';

export function useKnownGroups(): string[] {
  const users = useLoad(() => admin.users(''));
  return [...new Set((users.data?.users ?? []).flatMap((u) => u.groups))].sort();
}

export function GroupsInput(props: ChipsInputProps & { known: string[] }): JSX.Element {
  return (
    <ChipsInput
      {...props}
      placeholder="Group name"
      none="No groups."
      suggestions={props.known.map((g) => ({ key: g, value: g }))}
      nameOf={(g) => g}
      resolve={(typed) => ({ value: typed })}
    />
  );
}
