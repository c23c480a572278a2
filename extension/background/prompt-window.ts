// The prompt is a small popup window (chrome.windows.create type:'popup'). One at a time:
// its id is kept in session storage so a worker that was killed and woke up again finds it.
//
// Opening, closing and the window's disappearance run one after the other on one chain, so
// a request that arrives while the window opens, shows an outcome or closes is never lost:
// - the window never closes itself; it asks the worker, which refuses while requests wait
//   and hands it the queue instead (a request stored before that check is shown there);
// - once the worker has closed it, the id is gone, so a later request opens a new one;
// - a window that disappears otherwise (the person closed it just as a request arrived)
//   is reopened for the requests it never showed.
// A new window gets its queue with it (messaging/prompt-queue.ts): it shows the request in its
// first render rather than after a round trip back here.
import { PROMPT_QUEUE_KEY, browser, extensionUrl } from '../messaging/index.ts';

const WINDOW_KEY = 'promptWindowId';
/** Keys of the requests the open window has shown: what the person has had in front of them. */
const GIVEN_KEY = 'promptGiven';
export const PROMPT_PATH = 'extension/prompt/index.html';

type Queued = { key: string };
type Read = () => Promise<Queued[]>;
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

async function focusExisting(): Promise<boolean> {
  const id = await storedWindow();
  if (id === undefined) return false;
  try {
    await browser.windows.update(id, { focused: true, drawAttention: true });
    return true;
  } catch {
    await forgetWindow();
    return false;
  }
}

async function open(read: Read): Promise<void> {
  if (await focusExisting()) return;
  await browser.storage.session.set({ [PROMPT_QUEUE_KEY]: await read() });
  const win = await browser.windows.create({ type: 'popup', url: extensionUrl(PROMPT_PATH), width: 400, height: 620, focused: true });
  await browser.storage.session.set({ [WINDOW_KEY]: win.id, [GIVEN_KEY]: [] });
}

/** Opens the prompt window with the queue `read` lists, or brings the open one to the front. */
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
 * The window has nothing left to show and asks to close. Refused while any request waits:
 * the window gets the queue instead. Otherwise the worker closes it, under the same chain
 * as showPrompt, so a request that comes a moment later opens a new window.
 */
export function closePromptIfIdle<T extends Queued>(read: () => Promise<T[]>): Promise<T[]> {
  return serialized(async () => {
    const queue = await read();
    if (queue.length > 0) return queue;
    const id = await storedWindow();
    await forgetWindow();
    if (id !== undefined) await browser.windows.remove(id).catch(() => undefined);
    return [];
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
