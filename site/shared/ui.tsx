// The site's building blocks: every page uses these, so forms, notices and focus behave alike.
import { Fragment, type ComponentChildren, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatSeconds } from './format.ts';
import { useSecondsLeft } from './hooks.ts';

export type IconName = 'sms' | 'key' | 'app' | 'password' | 'pass' | 'back' | 'check' | 'cross' | 'warn' | 'info' | 'home' | 'shield' | 'clock' | 'users' | 'list' | 'bell' | 'out';

const PATHS: Record<IconName, string> = {
  sms: 'M4 5h16v11H9l-5 4Zm4 5h.01M12 10h.01M16 10h.01',
  key: 'M9 14a5 5 0 1 1 4.6-3h0L21 18.4V21h-3v-2h-2v-2h-2l-1.4-1.4A5 5 0 0 1 9 14Zm-1.5-5.5a1.5 1.5 0 1 0 0 .01',
  app: 'M7 2h10a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2Zm0 3v13h10V5Zm5 14.5a.75.75 0 1 0 0 .01',
  password: 'M4 8h16v10H4Zm3 5h.01M11 13h.01M15 13h.01',
  pass: 'M3 6h18v12H3Zm3 4h6m-6 3h9',
  back: 'M15 5l-7 7 7 7',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  cross: 'M6 6l12 12M18 6 6 18',
  warn: 'M12 3 2 21h20Zm0 6v6m0 3h.01',
  info: 'M12 3a9 9 0 1 0 .01 0ZM12 11v6m0-9h.01',
  home: 'M3 11 12 4l9 7v9h-6v-6H9v6H3Z',
  shield: 'M12 3 4 6v6c0 4.5 3.4 8.3 8 9 4.6-.7 8-4.5 8-9V6Z',
  clock: 'M12 3a9 9 0 1 0 .01 0ZM12 7v5l3 2',
  users: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm-7 10c0-4 3-6 7-6s7 2 7 6M16 3.5a4 4 0 0 1 0 7.5M22 21c0-3-1.5-5-4-5.7',
  list: 'M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01',
  bell: 'M6 16V11a6 6 0 1 1 12 0v5l2 2H4Zm4 4h4',
  out: 'M14 4h5v16h-5M10 8l-4 4 4 4M6 12h11',
};

export function Icon({ name, class: cls }: { name: IconName; class?: string }): JSX.Element {
  return (
    <svg class={`icon ${cls ?? ''}`} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}

export function Logo({ tenant }: { tenant?: string }): JSX.Element {
  return (
    <span class="logo">
      <img src="/favicon.svg" alt="" width="24" height="24" />
      <span class="logo-name">{tenant ?? 'pushkey'}</span>
    </span>
  );
}

/**
 * Focuses `ref` once when the component appears: the `autofocus` attribute alone acts only on a
 * page's first load. The components render the attribute too, because a <dialog> opened by
 * showModal() (after its children's effects ran, while it was closed) focuses its first
 * `autofocus` descendant, and without one its first control: the Close button.
 */
export function useFocusOnMount<T extends HTMLElement>(on = false) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (on) ref.current?.focus();
  }, []);
  return ref;
}

/** Where a page sits: links to the pages above it (`trail`, as [href, label]), then its own name. */
export function Breadcrumb({ trail, here }: { trail: [href: string, label: string][]; here: string }): JSX.Element {
  return (
    <nav class="breadcrumb" aria-label="Breadcrumb">
      {trail.map(([href, label]) => (
        <Fragment key={href}>
          <a href={href}>{label}</a>
          <span aria-hidden="true">›</span>
        </Fragment>
      ))}
      <span>{here}</span>
    </nav>
  );
}

/** A page or step heading; a new screen moves focus here so screen readers announce it. */
export function Heading({ children, level = 1, focus = true, id }: { children: ComponentChildren; level?: 1 | 2; focus?: boolean; id?: string }): JSX.Element {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const active = document.activeElement;
    const typing = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement || active instanceof HTMLSelectElement;
    if (focus && !typing) ref.current?.focus();
  }, []);
  const Tag = level === 1 ? 'h1' : 'h2';
  return (
    <Tag tabIndex={-1} ref={ref} id={id}>
      {children}
    </Tag>
  );
}

type ButtonProps = JSX.ButtonHTMLAttributes<HTMLButtonElement> & { kind?: 'primary' | 'secondary' | 'link' | 'danger' | 'subtle'; autoFocus?: boolean; busy?: boolean };

export function Button({ kind = 'secondary', autoFocus, busy, class: cls, disabled, children, type, ...rest }: ButtonProps): JSX.Element {
  const ref = useFocusOnMount<HTMLButtonElement>(autoFocus);
  return (
    <button {...rest} type={type ?? 'button'} ref={ref} autofocus={autoFocus} class={`btn btn-${kind} ${cls ?? ''}`} disabled={disabled || busy} aria-busy={busy ? 'true' : undefined}>
      {children}
    </button>
  );
}

/** A form that stays on the page: the browser's submit is prevented and `onSubmit` runs instead. */
export function Form({ onSubmit, children, ...rest }: Omit<JSX.HTMLAttributes<HTMLFormElement>, 'onSubmit'> & { onSubmit: () => void }): JSX.Element {
  return (
    <form
      {...rest}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** A dialog form's "Cancel" and its primary submit button, at the end of the row. */
export function FormButtons(props: { submit: string; onCancel: () => void; busy?: boolean; disabled?: boolean; autoFocus?: boolean }): JSX.Element {
  return (
    <div class="row-end">
      <Button onClick={props.onCancel}>Cancel</Button>
      <Button kind="primary" type="submit" busy={props.busy} disabled={props.disabled} autoFocus={props.autoFocus}>
        {props.submit}
      </Button>
    </div>
  );
}

export function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: string;
  hint?: ComponentChildren;
  error?: string | null;
  autoFocus?: boolean;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text' | 'email';
  required?: boolean;
  placeholder?: string;
  list?: string;
  min?: number;
  max?: number;
  pattern?: string;
  spellcheck?: boolean;
  class?: string;
  hideLabel?: boolean;
}): JSX.Element {
  const ref = useFocusOnMount<HTMLInputElement>(props.autoFocus);
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id} class={props.hideLabel ? 'sr-only' : undefined}>
        {props.label}
      </label>
      <input
        ref={ref}
        autofocus={props.autoFocus}
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        required={props.required}
        placeholder={props.placeholder}
        list={props.list}
        min={props.min}
        max={props.max}
        pattern={props.pattern}
        spellcheck={props.spellcheck}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Checkbox(props: { id: string; label: ComponentChildren; checked: boolean; onChange: (v: boolean) => void; hint?: string; disabled?: boolean }): JSX.Element {
  return (
    <div class="check">
      <input id={props.id} type="checkbox" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.checked)} aria-describedby={props.hint ? `${props.id}-hint` : undefined} />
      <label for={props.id}>
        {props.label}
        {props.hint && (
          <span class="hint" id={`${props.id}-hint`}>
            {props.hint}
          </span>
        )}
      </label>
    </div>
  );
}

/** An on/off switch (a checkbox with the switch role: screen readers say "on"/"off"). */
export function Toggle(props: { id: string; label: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean; hint?: string }): JSX.Element {
  const toggle = (
    <div class="toggle">
      <input id={props.id} type="checkbox" role="switch" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.checked)} aria-describedby={props.hint ? `${props.id}-hint` : undefined} />
      <label for={props.id}>
        <span class="toggle-track" aria-hidden="true" />
        <span>{props.label}</span>
      </label>
    </div>
  );
  if (!props.hint) return toggle;
  return (
    <div>
      {toggle}
      <p class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </p>
    </div>
  );
}

export function RadioGroup<T extends string>(props: {
  name: string;
  legend: string;
  value: T;
  onChange: (v: T) => void;
  options: { value: T; label: string; hint?: string }[];
  disabled?: boolean;
}): JSX.Element {
  return (
    <fieldset class="radios" disabled={props.disabled}>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <div class="radio" key={o.value}>
          <input type="radio" id={`${props.name}-${o.value}`} name={props.name} value={o.value} checked={props.value === o.value} onChange={() => props.onChange(o.value)} aria-describedby={o.hint ? `${props.name}-${o.value}-hint` : undefined} />
          <label for={`${props.name}-${o.value}`}>
            {o.label}
            {o.hint && (
              <span class="hint" id={`${props.name}-${o.value}-hint`}>
                {o.hint}
              </span>
            )}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

export type NoticeKind = 'error' | 'info' | 'success' | 'warning';

/** A message; errors are alerts (read at once), the rest polite status updates. */
export function Notice({ kind = 'info', title, children }: { kind?: NoticeKind; title?: string; children?: ComponentChildren }): JSX.Element {
  const icon: IconName = kind === 'error' ? 'cross' : kind === 'success' ? 'check' : kind === 'warning' ? 'warn' : 'info';
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <Icon name={icon} />
      <div>
        {title && <p class="notice-title">{title}</p>}
        {children && <div class="notice-body">{children}</div>}
      </div>
    </div>
  );
}

export function ErrorNotice({ message }: { message: string | null | undefined }): JSX.Element | null {
  return message ? <Notice kind="error">{message}</Notice> : null;
}

export function Spinner({ label, inline }: { label: string; inline?: boolean }): JSX.Element {
  return (
    <div class={inline ? 'spinner-inline' : 'spinner-block'} role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** The number to type in the authenticator, large; read out digit by digit. */
export function BigNumber({ value, label = 'Number' }: { value: string; label?: string }): JSX.Element {
  return (
    <div class="big-number" data-testid="number">
      <span class="sr-only">{`${label}: ${value.split('').join(' ')}`}</span>
      <span aria-hidden="true">{value}</span>
    </div>
  );
}

/** "Expires in 1:23". role=timer is not live: the countdown does not chatter in a screen reader. */
export function Countdown({ expiresAt, prefix = 'This request expires in' }: { expiresAt: number; prefix?: string }): JSX.Element {
  const left = useSecondsLeft(expiresAt);
  return (
    <p class={`countdown ${left <= 15 ? 'soon' : ''}`} role="timer" aria-live="off">
      <Icon name="clock" />
      {left > 0 ? (
        <span>
          {prefix} <strong>{formatSeconds(left)}</strong>
        </span>
      ) : (
        <span>Expired</span>
      )}
    </p>
  );
}

/** A modal dialog (the native <dialog>: focus stays inside, Escape closes). */
export function Dialog({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose();
    };
    dialog.addEventListener('cancel', cancel);
    return () => dialog.removeEventListener('cancel', cancel);
  }, [onClose]);
  return (
    <dialog ref={ref} class={`dialog ${wide ? 'dialog-wide' : ''}`} aria-labelledby="dialog-title">
      <div class="dialog-head">
        <h2 id="dialog-title">{title}</h2>
        <button type="button" class="icon-btn" onClick={onClose} aria-label="Close">
          <Icon name="cross" />
        </button>
      </div>
      <div class="dialog-body">{children}</div>
    </dialog>
  );
}

/** "Delete …?" or "Revoke …?": the consequence in a sentence, Cancel (focused) and the danger button. */
export function ConfirmDialog(props: { title: string; confirm: string; onClose: () => void; onConfirm: () => void; busy: boolean; error: string | null; children: ComponentChildren }): JSX.Element {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <p>{props.children}</p>
      <ErrorNotice message={props.error} />
      <div class="row-end">
        <Button onClick={props.onClose} autoFocus>
          Cancel
        </Button>
        <Button kind="danger" onClick={props.onConfirm} busy={props.busy}>
          {props.confirm}
        </Button>
      </div>
    </Dialog>
  );
}

/** The last step of an "add a method" wizard: what was added, and "Done". */
export function DoneStep({ title, onDone, children }: { title: string; onDone: () => void; children: ComponentChildren }): JSX.Element {
  return (
    <div class="stack">
      <Notice kind="success" title={title} />
      {children}
      <div class="row-end">
        <Button kind="primary" onClick={onDone} autoFocus>
          Done
        </Button>
      </div>
    </div>
  );
}

/** A status line that screen readers announce when it changes. */
export function LiveRegion({ children }: { children: ComponentChildren }): JSX.Element {
  return (
    <div class="sr-only" aria-live="polite" aria-atomic="true">
      {children}
    </div>
  );
}

/** A start-page card: an icon, what the page behind it is for, and the way there (`children`). */
export function Card({ id, icon, title, text, children }: { id: string; icon: IconName; title: string; text: string; children: ComponentChildren }): JSX.Element {
  return (
    <section class="card" aria-labelledby={id}>
      <Icon name={icon} class="card-icon" />
      <h2 id={id}>{title}</h2>
      <p class="muted grow">{text}</p>
      {children}
    </section>
  );
}

/** A table that scrolls sideways on a narrow screen, with a column header (scope="col") for each of `columns`. */
export function Table({ columns, children }: { columns: ComponentChildren[]; children: ComponentChildren }): JSX.Element {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th scope="col" key={i}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function Badge({ kind = 'neutral', children }: { kind?: 'neutral' | 'ok' | 'bad' | 'warn' | 'accent'; children: ComponentChildren }): JSX.Element {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}

export function Initials({ name, big }: { name: string; big?: boolean }): JSX.Element {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  return (
    <span class={big ? 'initials big' : 'initials'} aria-hidden="true">
      {letters || '?'}
    </span>
  );
}

/** A value to copy (a setup code, a client id or secret): read-only, selected on focus, with a "Copy" button. */
export function CopyField({ id, label, value, class: className, hint }: { id: string; label: string; value: string; class?: string; hint?: string }): JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input id={id} class={className} readOnly value={value} onFocus={(e) => e.currentTarget.select()} aria-describedby={hint ? `${id}-hint` : undefined} />
        <Button
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false));
          }}
          aria-label={`Copy ${label.toLowerCase()}`}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A list of values typed one per line (redirect URIs); blank lines are dropped. */
export function LinesField(props: { id: string; label: string; value: string[]; onChange: (v: string[]) => void; hint?: string; required?: boolean; placeholder?: string }): JSX.Element {
  const lines = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean);
  const [text, setText] = useState(props.value.join('\n'));
  const joined = props.value.join('\n');
  // A new value from outside (the saved one) replaces the text; the person's own typing (a trailing new line) stays.
  useEffect(() => {
    if (lines(text).join('\n') !== joined) setText(joined);
  }, [joined]);
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        name={props.id}
        rows={Math.max(2, props.value.length + 1)}
        value={text}
        required={props.required}
        placeholder={props.placeholder}
        spellcheck={false}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onInput={(e) => {
          setText(e.currentTarget.value);
          props.onChange(lines(e.currentTarget.value));
        }}
      />
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}
