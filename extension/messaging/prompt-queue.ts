// The queue a new prompt window starts with. The worker writes it to session storage just
// before it opens the window, so the window shows the request in its first render instead
// of rendering "Loading…" and asking the worker (a round trip through a worker that is busy
// opening the window). The worker's answer to promptQueue still follows and is the truth.
import * as v from 'valibot';
import { browser } from './browser.ts';
import { RequestView } from './schema.ts';

export const PROMPT_QUEUE_KEY = 'promptQueue';

/** The queue the worker left for this window, once: a reload asks the worker instead. */
export async function takePromptQueue(): Promise<RequestView[] | null> {
  const stored: unknown = (await browser.storage.session.get(PROMPT_QUEUE_KEY))[PROMPT_QUEUE_KEY];
  if (stored === undefined) return null;
  await browser.storage.session.remove(PROMPT_QUEUE_KEY);
  const parsed = v.safeParse(v.array(RequestView), stored);
  return parsed.success ? parsed.output : null;
}
