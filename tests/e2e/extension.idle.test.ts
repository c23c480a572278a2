// Chrome stops an extension's service worker when it likes (30 s without events, an update),
// and its WebSocket dies with it. A sign-in started then must still reach the person:
// - in Chromium, the offscreen document holds a port to the worker; the stop breaks it, the
//   document connects again, which starts the worker, and the worker reconnects and is sent
//   what is pending. The test clears the wake-up alarm first, so only that can bring it back,
//   and checks that the prompt was on screen before the alarm the worker set again at its
//   start could have fired;
// - where there is no offscreen document (Firefox; here: the test closes it), the 30 s alarm
//   restarts the worker, which reconnects and polls.
// The tests never attach to the worker (an attached worker is never stopped); they watch
// targets only. Chrome does not always stop the worker on its own (the 30 s alarm is itself an
// event, racing its 30 s idle timer), so they stop it the way the idle timeout does: CDP
// ServiceWorker.stopAllWorkers, sent from an ordinary page session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsers, clickText, openPopupTab, waitForPrompt, waitForText, type Profile } from '../support/browser.ts';
import { signIn, startServer, type TestServer } from '../support/server.ts';
import { SitePage, addAccountByCode, until, waitConnected, wallClock } from './flows.ts';

let browsers: Browsers;
let server: TestServer;
let a: Profile;
let b: Profile;
let alice: { upn: string; password: string };

const isWorker = (url: string) => url.startsWith(`chrome-extension://${b.extensionId}/`) && url.endsWith('service-worker-loader.js');
const workerRunning = () => b.browser.targets().some((t) => t.type() === 'service_worker' && isWorker(t.url()));

/** Stops the worker as Chrome's idle timeout does; resolves once its target is gone. */
async function stopWorker(): Promise<void> {
  const gone = new Promise<void>((resolve) => {
    const onGone = (t: { type(): string; url(): string }) => {
      if (t.type() !== 'service_worker' || !isWorker(t.url())) return;
      b.browser.off('targetdestroyed', onGone);
      resolve();
    };
    b.browser.on('targetdestroyed', onGone);
  });
  const page = await b.browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await page.close();
  await gone;
}

/** Runs `script` in an extension page (a popup tab, closed after) and returns its result. */
async function inExtension<T>(script: () => Promise<T>): Promise<T> {
  const page = await openPopupTab(b);
  try {
    return await page.evaluate(script);
  } finally {
    await page.close();
  }
}

async function approveNextSignIn(): Promise<{ shownAt: number }> {
  const site = await SitePage.open(a, server.origin);
  const flow = await site.passwordThenPush(alice.upn, alice.password);
  const prompt = await waitForPrompt(b, 45_000);
  const shownAt = Date.now();
  await prompt.waitForSelector('#number');
  await prompt.type('#number', flow.number);
  await clickText(prompt, 'Yes');
  await waitForText(prompt, 'Approved');
  expect(await site.status(flow.flowId)).toBe('signed_in');
  await site.page.close();
  return { shownAt };
}

beforeAll(async () => {
  browsers = new Browsers();
  // No pings: their traffic would keep the worker alive, which is the point of them, but
  // these tests are about what happens when it is not kept alive.
  [server, a, b] = await Promise.all([
    startServer({ clock: wallClock, app: { channel: { pingIntervalMs: 3_600_000 } } }),
    browsers.launch({ extension: false }),
    browsers.launch({ extension: true }),
  ]);
  alice = server.users.alice!;
  const me = await signIn(server.origin, alice.upn, alice.password);
  const act = await me.post('/api/me/authenticator/activation');
  const popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, alice.upn);
  await waitConnected(popup, alice.upn);
  await popup.close();
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

describe('extension: the worker is stopped', () => {
  it('shows a request pushed to a stopped worker without waiting for the wake-up alarm', async () => {
    await until('the offscreen document', () => inExtension(() => chrome.offscreen.hasDocument()), 10_000);
    // From here on only the offscreen document can start the worker: no alarm, no page calls it.
    await inExtension(() => chrome.alarms.clear('wake'));
    await stopWorker();

    const { shownAt } = await approveNextSignIn();
    // The worker set the alarm again when it started; the prompt came before that could fire.
    const alarm = await inExtension(() => chrome.alarms.get('wake'));
    expect(alarm, 'the worker started again and set its alarm').toBeDefined();
    expect(shownAt).toBeLessThan(alarm!.scheduledTime);
  }, 120_000);

  it('without the offscreen document, delivers a request sent while the idle worker was stopped, on the alarm', async () => {
    // As in Firefox: the alarm is the only way back.
    await inExtension(() => chrome.offscreen.closeDocument());
    const idleSince = Date.now();
    await until('more than 30 s of idleness', () => Date.now() - idleSince > 31_000, 40_000);
    const stoppedBy = workerRunning() ? 'the test (CDP)' : 'Chrome';
    if (workerRunning()) await stopWorker();
    // Its socket died with it: only the wake-up (alarm, reconnect, signed poll) can deliver now.
    await until('the server to see the socket close', () => server.app.channel.connectedDevices() === 0, 10_000);
    const sentAt = Date.now();
    const { shownAt } = await approveNextSignIn();
    console.log(`worker stopped by ${stoppedBy}; prompt shown ${Math.round((shownAt - sentAt) / 1000)} s after the sign-in started`);
  }, 200_000);
});
