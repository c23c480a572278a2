// A list of group names: chips with a remove button, a field to add one (Enter or "Add"),
// suggestions from the groups the tenant's users are in.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { admin } from '../shared/api.ts';
import { useLoad } from '../shared/hooks.ts';
import { Button, Icon } from '../shared/ui.tsx';

export function useKnownGroups(): string[] {
  const users = useLoad(() => admin.users(''));
  return [...new Set((users.data?.users ?? []).flatMap((u) => u.groups))].sort();
}

export function GroupsInput(props: { id: string; label: string; hint?: string; value: string[]; onChange: (v: string[]) => void; known: string[]; disabled?: boolean }): JSX.Element {
  const [text, setText] = useState('');
  const add = () => {
    const name = text.trim();
    if (name && !props.value.includes(name)) props.onChange([...props.value, name]);
    setText('');
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint && <p class="hint">{props.hint}</p>}
      {props.value.length > 0 ? (
        <ul class="chips" aria-label={props.label}>
          {props.value.map((g) => (
            <li class="chip" key={g}>
              {g}
              <button type="button" onClick={() => props.onChange(props.value.filter((x) => x !== g))} aria-label={`Remove ${g}`} disabled={props.disabled}>
                <Icon name="cross" />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="small muted">No groups.</p>
      )}
      <div class="copy-row">
        <input
          id={props.id}
          value={text}
          list={`${props.id}-known`}
          placeholder="Group name"
          disabled={props.disabled}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <Button onClick={add} disabled={props.disabled || !text.trim()}>
          Add
        </Button>
      </div>
      <datalist id={`${props.id}-known`}>
        {props.known.map((g) => (
          <option value={g} key={g} />
        ))}
      </datalist>
    </div>
  );
}
