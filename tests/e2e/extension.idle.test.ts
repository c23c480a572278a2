// Chrome stops an extension's service worker after 30 s without events. A sign-in started
// while it is stopped must still reach the person: the wake-up alarm restarts the worker,
// which reconnects and polls. This test never attaches to the worker (an attached worker is
// never stopped); it watches targets only, and sees the prompt window appear.
//
// The 30 s wake-up alarm is itself an event, so it races Chrome's 30 s idle timer and
// Chrome does not always stop the worker on its own. After more than 30 s idle the test
// therefore stops it the way Chrome's idle timeout does (CDP ServiceWorker.stopAllWorkers,
// sent from an ordinary page session, never from one attached to the worker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsers, clickText, waitForPrompt, waitForText, type Profile } from '../support/browser.ts';
import { signIn, startServer, type TestServer } from '../support/server.ts';
import { SitePage, addAccountByCode, until, waitConnected, wallClock } from './flows.ts';

let browsers: Browsers;
let server: TestServer;
let a: Profile;
let b: Profile;
let alice: { upn: string; password: string };

const workerRunning = () =>
  b.browser.targets().some((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${b.extensionId}/`));

beforeAll(async () => {
  browsers = new Browsers();
  // No pings: their traffic would keep the worker alive, which is the point of them, but
  // this test is about what happens when it is not kept alive.
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

describe('extension: the worker sleeps', () => {
  it('delivers a request sent while the idle worker was stopped', async () => {
    const idleSince = Date.now();
    await until('more than 30 s of idleness', () => Date.now() - idleSince > 31_000, 40_000);
    let stoppedBy = 'Chrome';
    if (workerRunning()) {
      stoppedBy = 'the test (CDP)';
      const page = await b.browser.newPage();
      const cdp = await page.createCDPSession();
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await page.close();
    }
    await until('the worker to stop', () => !workerRunning(), 10_000);
    // Its socket died with it: only the wake-up (alarm, reconnect, signed poll) can deliver now.
    await until('the server to see the socket close', () => server.app.channel.connectedDevices() === 0, 10_000);
    const idleMs = Date.now() - idleSince;

    const site = await SitePage.open(a, server.origin);
    const flow = await site.passwordThenPush(alice.upn, alice.password);
    const sentAt = Date.now();
    const prompt = await waitForPrompt(b, 45_000);
    const latencyMs = Date.now() - sentAt;
    console.log(`worker stopped by ${stoppedBy} after ${Math.round(idleMs / 1000)} s idle; prompt shown ${Math.round(latencyMs / 1000)} s after the sign-in started`);
    await prompt.waitForSelector('#number');
    await prompt.type('#number', flow.number);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    expect(await site.status(flow.flowId)).toBe('signed_in');
  }, 200_000);
});
