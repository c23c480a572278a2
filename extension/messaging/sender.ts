// Who may talk to the worker: only the extension's own pages (the popup, the prompt window,
// the offscreen document). A web page cannot reach runtime.onMessage at all (the manifest has
// no externally_connectable), nor can another extension (that would be onMessageExternal,
// which nothing here listens to). A content script would carry this extension's id but the
// URL of the web page it runs in: that is the check that tells it apart, should one ever be
// injected.
import { browser } from './browser.ts';

export interface Sender {
  id?: string;
  url?: string;
}

/** The sender is this extension and the message comes from one of its own pages. */
export function isOwnPage(sender: Sender | undefined, ownId = browser.runtime.id, ownOrigin = browser.runtime.getURL('')): boolean {
  return sender?.id === ownId && typeof sender.url === 'string' && sender.url.startsWith(ownOrigin);
}
