// A list of picked values: chips with a remove button, a field to add one (Enter or "Add"),
// suggestions to pick from. What a typed entry means (a group name, a user name) is the caller's.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { Button, Icon } from '../shared/ui.tsx';

export interface ChipsInputProps {
  id: string;
  label: string;
  hint?: string;
  value: string[];
  onChange: (v: string[]) => void;
  disabled?: boolean;
}

interface ChipsBehaviour {
  placeholder: string;
  /** Shown when nothing is picked. */
  none: string;
  /** The suggestions: what the field offers, keyed for the list. */
  suggestions: { key: string; value: string }[];
  /** How a picked value reads on its chip. */
  nameOf: (value: string) => string;
  /** The value a typed entry adds, or the error to show. */
  resolve: (typed: string) => { value: string } | { error: string };
}

export function ChipsInput(props: ChipsInputProps & ChipsBehaviour): JSX.Element {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    const typed = text.trim();
    if (!typed) return setText('');
    const found = props.resolve(typed);
    if ('error' in found) return setError(found.error);
    if (!props.value.includes(found.value)) props.onChange([...props.value, found.value]);
    setText('');
    setError(null);
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint && <p class="hint">{props.hint}</p>}
      {props.value.length > 0 ? (
        <ul class="chips" aria-label={props.label}>
          {props.value.map((value) => {
            const name = props.nameOf(value);
            return (
              <li class="chip" key={value}>
                {name}
                <button type="button" onClick={() => props.onChange(props.value.filter((x) => x !== value))} aria-label={`Remove ${name}`} disabled={props.disabled}>
                  <Icon name="cross" />
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p class="small muted">{props.none}</p>
      )}
      <div class="copy-row">
        <input
          id={props.id}
          value={text}
          list={`${props.id}-known`}
          placeholder={props.placeholder}
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
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <datalist id={`${props.id}-known`}>
        {props.suggestions.map((s) => (
          <option value={s.value} key={s.key} />
        ))}
      </datalist>
    </div>
  );
}
