// Small building blocks shared by the popup and the prompt.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from './i18n.ts';
import { Icon } from './icons.tsx';

export function Bar(props: { title: string; onBack?: () => void; children?: ComponentChildren }): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  // A new screen moves focus to its heading (screen readers announce the change), unless
  // the screen focuses one of its own controls first (a field to type in).
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) heading.current?.focus();
  }, [props.title]);
  return (
    <header class="bar">
      {props.onBack && (
        <button type="button" class="icon-btn" onClick={props.onBack} aria-label={t('back')}>
          <Icon name="back" />
        </button>
      )}
      <h1 tabIndex={-1} ref={heading}>
        {props.title}
      </h1>
      {props.children}
    </header>
  );
}

export function ErrorNote({ message }: { message: string | null | undefined }): JSX.Element | null {
  if (!message) return null;
  return (
    <p class="note error" role="alert">
      {message}
    </p>
  );
}

export function Spinner({ label }: { label: string }): JSX.Element {
  return (
    <div class="hero" role="status" aria-live="polite">
      <div class="spinner" aria-hidden="true" />
      <p class="muted">{label}</p>
    </div>
  );
}

export function Avatar({ name, big, off }: { name: string; big?: boolean; off?: boolean }): JSX.Element {
  const letter = (name.trim()[0] ?? '?').toUpperCase();
  return (
    <span class={`avatar${big ? ' big' : ''}${off ? ' off' : ''}`} aria-hidden="true">
      {letter}
    </span>
  );
}

/** Focuses the element once, when it appears (the `autofocus` attribute only works on page load). */
export function useAutoFocus<T extends HTMLElement>(on = true) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (on) ref.current?.focus();
  }, []);
  return ref;
}

/** A button that can take focus when it appears. */
export function Button({ autoFocus, ...props }: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { autoFocus?: boolean }): JSX.Element {
  const ref = useAutoFocus<HTMLButtonElement>(autoFocus === true);
  return <button type="button" {...props} ref={ref} />;
}

/** A labelled input; the label is always visible (placeholders are not labels). */
export function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: string;
  hint?: string;
  autoFocus?: boolean;
  inputMode?: 'numeric' | 'text' | 'url';
  autoComplete?: string;
  class?: string;
  maxLength?: number;
  invalid?: boolean;
}): JSX.Element {
  const ref = useAutoFocus<HTMLInputElement>(props.autoFocus === true);
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        class={props.class}
        type={props.type ?? 'text'}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        ref={ref}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        spellcheck={false}
        maxLength={props.maxLength}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
      />
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}
