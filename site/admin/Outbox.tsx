// The lab outbox: what the lab SMS provider "sent", one phone per number, and the email
// notices users get when their sign-in methods change. For labs and instructors; a real
// deployment sends SMS through the webhook provider instead.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { admin, type OutboxMessage } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { useLoad } from '../shared/hooks.ts';
import { Button, ErrorNotice, Heading, Icon, Spinner } from '../shared/ui.tsx';

function byRecipient(messages: OutboxMessage[]): Map<string, OutboxMessage[]> {
  const out = new Map<string, OutboxMessage[]>();
  for (const m of messages) out.set(m.to, [...(out.get(m.to) ?? []), m]);
  return out;
}

export function OutboxPage(): JSX.Element {
  const [channel, setChannel] = useState<'sms' | 'email'>('sms');
  const [selected, setSelected] = useState<string | null>(null);
  const load = useLoad(() => admin.outbox({ channel }), [channel]);
  const groups = byRecipient(load.data?.messages ?? []);
  const current = selected && groups.has(selected) ? selected : ([...groups.keys()][0] ?? null);
  const tab = (c: 'sms' | 'email', label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={channel === c}
      onClick={() => {
        setChannel(c);
        setSelected(null);
      }}
    >
      {label}
    </button>
  );
  return (
    <>
      <div class="page-head">
        <Heading>Lab outbox</Heading>
        <p class="muted">What the lab providers “sent”: text messages, one phone per number, and the notices users get when their sign-in methods change.</p>
      </div>
      <div class="tabs" role="tablist" aria-label="Channel">
        {tab('sms', 'Lab phones (SMS)')}
        {tab('email', 'Email notices')}
      </div>
      <section class="panel" role="tabpanel">
        <div class="panel-head">
          <span class="muted small">Newest first</span>
          <Button onClick={() => void load.reload()} busy={load.loading}>
            Refresh
          </Button>
        </div>
        <ErrorNotice message={load.error} />
        {!load.data ? (
          <Spinner label="Loading…" />
        ) : groups.size === 0 ? (
          <p class="muted">Nothing sent yet.</p>
        ) : (
          <div class="outbox">
            <ul class="outbox-list" aria-label={channel === 'sms' ? 'Phones' : 'Recipients'}>
              {[...groups.entries()].map(([to, msgs]) => (
                <li key={to}>
                  <button type="button" aria-current={to === current ? 'true' : undefined} onClick={() => setSelected(to)}>
                    <Icon name={channel === 'sms' ? 'sms' : 'info'} />
                    <span class="grow">
                      <span class="mono">{to}</span>
                      <span class="small muted block">
                        {msgs.length} message{msgs.length === 1 ? '' : 's'}
                      </span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            {current && (
              <div class={channel === 'sms' ? 'phone' : 'mailbox'} aria-label={`Messages to ${current}`} role="region">
                <p class="phone-head mono">{current}</p>
                <ol class="messages">
                  {groups.get(current)!.map((m) => (
                    <li key={m.id} class="message">
                      <p>{m.text}</p>
                      <p class="small muted">{formatDateTime(m.at)}</p>
                    </li>
                  ))}
                </ol>
              </div>
            )}
          </div>
        )}
      </section>
    </>
  );
}
