// The prompt is a small popup window (chrome.windows.create type:'popup'). One at a time:
// its id is kept in session storage so a worker that was killed and woke up again finds it.
import { browser, extensionUrl } from '../messaging/index.ts';

const KEY = 'promptWindowId';
export const PROMPT_PATH = 'extension/prompt/index.html';
let opening: Promise<void> = Promise.resolve();

async function focusExisting(): Promise<boolean> {
  const stored = (await browser.storage.session.get(KEY))[KEY];
  if (typeof stored !== 'number') return false;
  try {
    await browser.windows.update(stored, { focused: true, drawAttention: true });
    return true;
  } catch {
    await browser.storage.session.remove(KEY);
    return false;
  }
}

/** Opens the prompt window, or brings the open one to the front. */
export function showPrompt(): Promise<void> {
  opening = opening.catch(() => undefined).then(async () => {
    if (await focusExisting()) return;
    const win = await browser.windows.create({ type: 'popup', url: extensionUrl(PROMPT_PATH), width: 400, height: 620, focused: true });
    await browser.storage.session.set({ [KEY]: win.id });
  });
  return opening;
}

export function watchPromptWindow(): void {
  browser.windows.onRemoved.addListener((windowId: number) => {
    void browser.storage.session.get(KEY).then((s) => {
      if (s[KEY] === windowId) return browser.storage.session.remove(KEY);
      return undefined;
    });
  });
}
