// The extension's latencies end to end: real Chromium with the built extension (dist/extension,
// or EXTENSION_DIST), the real server, and a software device enrolled for the same user as
// the baseline: the server emits one push, the software device receives it over its socket,
// the extension shows it. Times are the page's own (Performance API, wall clock of this
// machine): when the prompt window's document started, and when the paint that put the
// request on screen happened (Element Timing on the request's title).
// Three cases: the worker running with the window kept ready (minimized after the previous
// request, as the extension does), the same when the person closed that window by hand (a new
// window opens), and the worker stopped (as Chrome stops an idle one) just before the push. BENCH_PROMPT_N and BENCH_STOPPED_N set the samples (default 40 and 12).
import type { Page } from 'puppeteer-core';
import { createChallenge } from '../server/domain/authenticator/challenges.ts';
import type { User } from '../server/domain/types.ts';
import { Browsers, PROMPT_PATH, extensionUrl, waitForText, type Profile } from '../tests/support/browser.ts';
import { signIn, startServer, type TestServer } from '../tests/support/server.ts';
import { SoftDevice } from '../tests/support/soft-device.ts';
import { addAccountByCode, until, waitConnected, wallClock } from '../tests/e2e/flows.ts';
import { percentile, printLatencies, verdict, type LatencyRow } from './lib.ts';

const PROMPT_N = Number(process.env.BENCH_PROMPT_N ?? 40);
const STOPPED_N = Number(process.env.BENCH_STOPPED_N ?? 12);
const CONTEXT = { app: 'bench', ip: '127.0.0.1', location: 'Lab', browser: 'Chromium' };

interface Setup {
  server: TestServer;
  browsers: Browsers;
  b: Profile;
  soft: SoftDevice;
  user: User;
}

async function setUp(): Promise<Setup> {
  const browsers = new Browsers();
  const [server, b] = await Promise.all([startServer({ clock: wallClock, policy: { requestLifetimeSeconds: 300 } }), browsers.launch({ extension: true })]);
  const alice = server.users.alice!;
  const me = await signIn(server.origin, alice.upn, alice.password);
  const popup = await addAccountByCode(b, (await me.post('/api/me/authenticator/activation')).body.code, server.origin, alice.upn);
  await waitConnected(popup, alice.upn);
  await popup.close();
  const soft = await SoftDevice.enroll(server.origin, (await me.post('/api/me/authenticator/activation')).body.code);
  await soft.connect();
  return { server, browsers, b, soft, user: (await server.repo.getUserByUpn(alice.upn))! };
}

const promptTarget = (b: Profile) => b.browser.targets().find((t) => t.type() === 'page' && t.url() === extensionUrl(b, PROMPT_PATH));

/** When the prompt's document started and when `challengeId` was painted, in epoch ms, as the page recorded them. */
async function paintedAt(page: Page, challengeId: string): Promise<{ documentAt: number; paintedAt: number }> {
  // A new window's target can show up before its document is the prompt's: ask the document that follows.
  for (let attempt = 0; ; attempt++) {
    try {
      return await askPainted(page, challengeId);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('context was destroyed')) throw err;
    }
  }
}

function askPainted(page: Page, challengeId: string): Promise<{ documentAt: number; paintedAt: number }> {
  return page.evaluate(
    (id) =>
      new Promise<{ documentAt: number; paintedAt: number }>((resolve) => {
        new PerformanceObserver((list, observer) => {
          for (const e of list.getEntries() as (PerformanceEntry & { identifier: string; renderTime: number })[]) {
            if (e.identifier !== `request ${id}`) continue;
            observer.disconnect();
            resolve({ documentAt: performance.timeOrigin, paintedAt: performance.timeOrigin + e.renderTime });
          }
        }).observe({ type: 'element', buffered: true });
      }),
    challengeId,
  );
}

/** One push: when the software device had it, when the prompt's document started, when the request was painted. */
async function onePush(s: Setup, timeoutMs: number): Promise<{ soft: number; document: number; screen: number; page: Page }> {
  const softAt = s.soft.nextFrame(timeoutMs).then(() => Date.now());
  const emittedAt = Date.now();
  const challenge = await createChallenge(s.server.deps, s.user, 'test', CONTEXT);
  // The window kept ready, or a new one.
  const target = await s.b.browser.waitForTarget((t) => t.type() === 'page' && t.url() === extensionUrl(s.b, PROMPT_PATH), { timeout: timeoutMs });
  const page = (await target.page())!;
  const times = await paintedAt(page, challenge.id);
  // The software device ends the request: the extension hears the cancel, as after any answer elsewhere.
  await s.soft.respond({ challengeId: challenge.id, nonce: challenge.nonce }, 'deny');
  return { soft: (await softAt) - emittedAt, document: times.documentAt - emittedAt, screen: times.paintedAt - emittedAt, page };
}

/** The request has ended: the window says so, then is put away (minimized, kept for the next request). */
async function putAway(page: Page): Promise<void> {
  await waitForText(page, 'Request closed');
  await page.waitForFunction(() => document.visibilityState === 'hidden', { timeout: 10_000, polling: 50 }).catch(async (err: Error) => {
    throw new Error(`${err.message}; the prompt shows: ${await page.evaluate(() => `${document.visibilityState}: ${document.body.innerText}`)}`);
  });
}

/** The person closes the window once the request has ended: the next push opens a new one. */
async function closeByHand(s: Setup, page: Page): Promise<void> {
  await waitForText(page, 'Request closed');
  await page.close();
  await until('the prompt window to close', () => promptTarget(s.b) === undefined, 10_000);
}

/** Stops the extension's worker the way Chrome's idle timeout does, from an ordinary page (never one attached to the worker). */
async function stopWorker(s: Setup): Promise<void> {
  const page = await s.b.browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await page.close();
}

function verdictFor(row: string, figure: LatencyRow, baseline: LatencyRow, targetP99Ms: number): void {
  if (figure.samples.length === 0) return;
  const p99 = percentile(figure.samples, 99);
  const base = percentile(baseline.samples, 99);
  verdict({
    row,
    figure: `p99 ${p99.toFixed(0)} ms (p50 ${percentile(figure.samples, 50).toFixed(0)}, n ${figure.samples.length})`,
    baseline: `software device p99 ${base.toFixed(0)} ms`,
    ratio: `${(p99 / base).toFixed(1)}×`,
    target: `p99 ≤ ${targetP99Ms.toLocaleString('en')} ms`,
    met: p99 <= targetP99Ms,
  });
}

export async function run(): Promise<void> {
  const s = await setUp();
  try {
    const soft: LatencyRow = { name: 'software device gets the same push', samples: [] };
    const ready: LatencyRow = { name: 'push → request on screen, prompt window', samples: [] };
    const document: LatencyRow = { name: 'new window (the person closed the last): document', samples: [] };
    const fresh: LatencyRow = { name: 'new window (the person closed the last): on screen', samples: [] };
    // The first pushes open the window and warm the server's and the browser's caches.
    for (let i = 0; i < 3; i++) await closeByHand(s, (await onePush(s, 20_000)).page);
    for (let i = 0; i < PROMPT_N; i++) {
      const r = await onePush(s, 20_000);
      document.samples.push(r.document);
      fresh.samples.push(r.screen);
      // The last one is kept: the window from here on is the one kept ready.
      await (i < PROMPT_N - 1 ? closeByHand(s, r.page) : putAway(r.page));
    }
    for (let i = 0; i < PROMPT_N; i++) {
      const r = await onePush(s, 20_000);
      soft.samples.push(r.soft);
      ready.samples.push(r.screen);
      await putAway(r.page);
    }
    printLatencies('Extension: push → request on screen (worker running; the window kept ready, or new)', [soft, ready, document, fresh], soft.name);
    verdictFor(ready.name, ready, soft, 100);

    const softStopped: LatencyRow = { name: 'software device gets the same push', samples: [] };
    const stopped: LatencyRow = { name: 'push to a stopped worker → request on screen', samples: [] };
    for (let i = 0; i < STOPPED_N; i++) {
      await stopWorker(s);
      // 45 s: enough for the 30 s wake-up alarm, the only way back without the offscreen document.
      const r = await onePush(s, 45_000);
      softStopped.samples.push(r.soft);
      stopped.samples.push(r.screen);
      await putAway(r.page);
    }
    printLatencies('Extension: push to a worker Chrome has stopped → request on screen', [softStopped, stopped], softStopped.name);
    verdictFor(stopped.name, stopped, softStopped, 1_000);
  } finally {
    s.soft.close();
    await s.browsers.closeAll();
    await s.server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
