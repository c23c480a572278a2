// The prompt is a small popup window (chrome.windows.create type:'popup'). One at a time:
// its id is kept in session storage so a worker that was killed and woke up again finds it.
//
// Once it has nothing left to show it is minimized, not closed, and the next request restores
// it: a loaded window shows a request in about 10 ms, while a new one takes about 100 ms
// before its first paint even for an empty page (measured in bench/extension-prompt.bench.ts's
// browser). The window gets its queue with it rather than asking back: a new one (the first,
// or after the person closed it) in session storage (messaging/prompt-queue.ts), so it shows the
// request in its first render; the one kept ready in a broadcast, sent as it is brought back.
//
// Opening, putting away and the window's disappearance run one after the other on one chain,
// so a request that arrives while the window opens, shows an outcome or is put away is never lost:
// - the window never puts itself away; it asks the worker, which refuses while requests wait
//   and hands it the queue instead (a request stored before that check is shown there);
// - once the worker has minimized it, a later request brings it back;
// - a window that disappears (the person closed it, maybe just as a request arrived)
//   is reopened for the requests it never showed, and otherwise the next request opens one.
import { PROMPT_QUEUE_KEY, broadcast, browser, extensionUrl, type RequestView } from '../messaging/index.ts';

const WINDOW_KEY = 'promptWindowId';
/** Keys of the requests the open window has shown: what the person has had in front of them. */
const GIVEN_KEY = 'promptGiven';
export const PROMPT_PATH = 'extension/prompt/index.html';

type Queued = { key: string };
type Read = () => Promise<RequestView[]>;
let chain: Promise<unknown> = Promise.resolve();

function serialized<T>(run: () => Promise<T>): Promise<T> {
  const next = chain.catch(() => undefined).then(run);
  chain = next;
  return next;
}

async function storedWindow(): Promise<number | undefined> {
  const id = (await browser.storage.session.get(WINDOW_KEY))[WINDOW_KEY];
  return typeof id === 'number' ? id : undefined;
}

async function givenKeys(): Promise<Set<string>> {
  const given: unknown = (await browser.storage.session.get(GIVEN_KEY))[GIVEN_KEY];
  return new Set(Array.isArray(given) ? given.filter((k): k is string => typeof k === 'string') : []);
}

async function forgetWindow(): Promise<void> {
  await browser.storage.session.remove([WINDOW_KEY, GIVEN_KEY]);
}

async function showExisting(read: Read): Promise<boolean> {
  const id = await storedWindow();
  if (id === undefined) return false;
  try {
    // The page renders the queue while the window comes back.
    await Promise.all([
      browser.windows.update(id, { state: 'normal', focused: true, drawAttention: true }),
      read().then((queue) => broadcast({ type: 'promptQueue', queue })),
    ]);
    return true;
  } catch {
    await forgetWindow();
    return false;
  }
}

async function open(read: Read): Promise<void> {
  if (await showExisting(read)) return;
  await browser.storage.session.set({ [PROMPT_QUEUE_KEY]: await read() });
  const win = await browser.windows.create({ type: 'popup', url: extensionUrl(PROMPT_PATH), width: 400, height: 620, focused: true });
  await browser.storage.session.set({ [WINDOW_KEY]: win.id, [GIVEN_KEY]: [] });
}

/** Opens the prompt window with the queue `read` lists, or brings the one kept ready to the front. */
export function showPrompt(read: Read): Promise<void> {
  return serialized(() => open(read));
}

/** The window's queue, as `read` lists it. */
export function queueForPrompt<T extends Queued>(read: () => Promise<T[]>): Promise<T[]> {
  return serialized(read);
}

/** The window shows this request now: the person has had it in front of them. */
export function notePromptShowing(key: string): Promise<void> {
  return serialized(async () => {
    const given = await givenKeys();
    given.add(key);
    await browser.storage.session.set({ [GIVEN_KEY]: [...given] });
  });
}

/**
 * The window has nothing left to show and asks to be put away. Refused while any request
 * waits: the window gets the queue instead. Otherwise the worker minimizes it, under the same
 * chain as showPrompt, so a request that comes a moment later brings it back. `parked` is
 * false when there was no window of ours to put away: the asking window is a stray and closes.
 */
export function parkPromptIfIdle<T extends Queued>(read: () => Promise<T[]>): Promise<{ queue: T[]; parked: boolean }> {
  return serialized(async () => {
    const queue = await read();
    if (queue.length > 0) return { queue, parked: false };
    const id = await storedWindow();
    if (id === undefined) return { queue, parked: false };
    try {
      await browser.windows.update(id, { state: 'minimized' });
    } catch {
      await forgetWindow();
      return { queue, parked: false };
    }
    // Nothing is in front of the person any more.
    await browser.storage.session.set({ [GIVEN_KEY]: [] });
    return { queue, parked: true };
  });
}

/** A prompt window that went away (closed by the person) reopens only for requests it never showed. */
export function watchPromptWindow(read: Read): void {
  browser.windows.onRemoved.addListener((windowId: number) => {
    void serialized(async () => {
      if ((await storedWindow()) !== windowId) return;
      const given = await givenKeys();
      await forgetWindow();
      if ((await read()).some((r) => !given.has(r.key))) await open(read);
    });
  });
}
