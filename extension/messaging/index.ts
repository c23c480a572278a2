// Calls from pages to the service worker, and broadcasts back. Pages use `call()`; the
// worker lists every call it answers in one `handleMessages({...})` table.
import * as v from 'valibot';
import { PushkeyError, isErrorCode } from '../../protocol/index.ts';
import { browser } from './browser.ts';
import { isOwnPage, type Sender } from './sender.ts';
import { Broadcast, CALLS, CallType, Envelope, type CallArgs, type CallName, type CallReply, type ErrorInfo } from './schema.ts';

export * from './schema.ts';
export { browser, extensionVersion, extensionUrl, offscreenApi } from './browser.ts';
export { holdWakePort } from './wake-port.ts';
export { PROMPT_QUEUE_KEY, takePromptQueue } from './prompt-queue.ts';

/** A failed call as the page sees it: a code from protocol/errors.ts and a message for people. */
export class CallError extends Error {
  override readonly name = 'CallError';
  constructor(readonly code: ErrorInfo['code'], message: string) {
    super(message);
  }
}

export async function call<N extends CallName>(type: N, args: CallArgs<N>): Promise<CallReply<N>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage({ ...args, type });
  } catch (err) {
    throw new CallError('unavailable', `The authenticator did not answer (${String(err)})`);
  }
  const envelope = v.safeParse(Envelope, raw);
  if (!envelope.success) throw new CallError('internal', `Unexpected answer to ${type}`);
  if (!envelope.output.ok) throw new CallError(envelope.output.error.code, envelope.output.error.message);
  const reply = v.safeParse(CALLS[type].reply, envelope.output.value);
  if (!reply.success) throw new CallError('internal', `Unexpected answer to ${type}: ${reply.issues[0].message}`);
  return reply.output as CallReply<N>;
}

export type Handlers = { [N in CallName]: (args: CallArgs<N>) => Promise<CallReply<N>> };

/** Registers the worker's message table. Messages that are not calls are left alone. */
export function handleMessages(handlers: Handlers, toErrorInfo: (err: unknown) => ErrorInfo): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Sender) => {
    if (!isOwnPage(sender)) return undefined;
    const head = v.safeParse(CallType, message);
    if (!head.success) return undefined;
    const type = head.output.type;
    const args = v.safeParse(CALLS[type].args, message);
    if (!args.success) {
      return Promise.resolve({ ok: false, error: { code: 'bad_request', message: `Invalid ${type}: ${args.issues[0].message}` } });
    }
    const handler = handlers[type] as (a: unknown) => Promise<unknown>;
    return handler(args.output).then(
      (value) => ({ ok: true, value }),
      (err: unknown) => ({ ok: false, error: toErrorInfo(err) }),
    );
  });
}

/** Tells every open page something changed. Nobody listening is fine. */
export function broadcast(message: Broadcast): void {
  browser.runtime.sendMessage(message).catch(() => undefined);
}

export function onBroadcast(listener: (message: Broadcast) => void): () => void {
  const wrapped = (message: unknown): undefined => {
    const parsed = v.safeParse(Broadcast, message);
    if (parsed.success) listener(parsed.output);
    return undefined;
  };
  browser.runtime.onMessage.addListener(wrapped);
  return () => browser.runtime.onMessage.removeListener(wrapped);
}

/** Turns anything thrown into the `{ code, message }` a page can show. */
export function errorInfoOf(err: unknown): ErrorInfo {
  if (err instanceof PushkeyError || err instanceof CallError) return { code: err.code, message: err.message };
  if (err instanceof Error && 'code' in err && isErrorCode((err as { code: unknown }).code)) {
    return { code: (err as { code: ErrorInfo['code'] }).code, message: err.message };
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

/** Pages announce themselves with a port, so the worker learns when one closes (the action popup closes on blur). */
export function announcePage(name: 'popup' | 'prompt'): void {
  browser.runtime.connect({ name });
}

export function onPageClosed(name: 'popup' | 'prompt', listener: () => void): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name === name && isOwnPage(port.sender)) port.onDisconnect.addListener(() => listener());
  });
}
