// The device trusts only the server key it pinned at enrollment. A test server that
// impersonates the origin signs pushes with a key of its choosing: a push signed by any
// other key shows nothing and lands in the history as rejected. The stored device key
// cannot leave the extension.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_CODE_RANDOM_BYTES, activationCodeFrom, formatActivationCode } from '../../protocol/activation-code.ts';
import type { Page } from 'puppeteer-core';
import { Browsers, clickText, openPopupTab, promptIsOpen, waitForPrompt, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { makeServerKey, startImpersonator, type Impersonator } from '../support/impersonator.ts';
import { signIn, startServer } from '../support/server.ts';
import { addAccountByCode, listAccounts, removeAccountIn, waitConnected, wallClock } from './flows.ts';

let browsers: Browsers;
let b: Profile;
let server: Impersonator;
let popup: Page;
let deviceId: string;

async function history(page: Page): Promise<{ status: string; challengeId: string }[]> {
  const reply = (await page.evaluate(() => chrome.runtime.sendMessage({ type: 'listHistory' }))) as { ok: boolean; value: { status: string; challengeId: string }[] };
  return reply.value;
}

beforeAll(async () => {
  browsers = new Browsers();
  [b, server] = await Promise.all([browsers.launch({ extension: true }), startImpersonator({ upn: 'adele@contoso.test', tenant: 'Contoso' })]);
  popup = await openPopupTab(b);
  await clickText(popup, 'Add account');
  await clickText(popup, 'Work or school account');
  await clickText(popup, 'Enter code manually');
  // Any well-formed code: the impersonator enrolls whatever it is given.
  await popup.type('#code', formatActivationCode(activationCodeFrom(randomBytes(ACTIVATION_CODE_RANDOM_BYTES))));
  await popup.type('#url', server.origin);
  await clickText(popup, 'Add account');
  await waitForText(popup, 'adele@contoso.test');
  deviceId = server.enrolled[0]!.deviceId;
  await server.waitReady(deviceId);
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

describe('extension: pinned server key', () => {
  it('ignores a push signed by another key and records it as rejected', async () => {
    const forged = server.push(deviceId, { signer: makeServerKey() });
    expect(forged).toMatchObject({ v: 2 });
    await expect.poll(async () => (await history(popup)).find((r) => r.challengeId === forged.challengeId)?.status, { timeout: 5_000 }).toBe('rejected');
    expect(await promptIsOpen(b)).toBe(false);
    expect(server.responses).toHaveLength(0);
  });

  it('ignores a v1 push signed by another key too', async () => {
    const forged = server.push(deviceId, { signer: makeServerKey(), version: 1 });
    expect(forged).not.toHaveProperty('signed');
    await expect.poll(async () => (await history(popup)).find((r) => r.challengeId === forged.challengeId)?.status, { timeout: 5_000 }).toBe('rejected');
    expect(await promptIsOpen(b)).toBe(false);
    expect(server.responses).toHaveLength(0);
  });

  it('ignores a v2 push signed by the pinned key over other text than it carries', async () => {
    const genuine = server.push(deviceId, { app: 'Contoso Portal', expiresInMs: 60_000, send: false });
    if (genuine.v !== 2) throw new Error('expected v2');
    const altered = { ...genuine, signed: genuine.signed.replace('"app":"Contoso Portal"', '"app":"Payroll"') };
    server.send(deviceId, altered);
    await expect.poll(async () => (await history(popup)).find((r) => r.challengeId === genuine.challengeId)?.status, { timeout: 5_000 }).toBe('rejected');
    expect(await promptIsOpen(b)).toBe(false);
    expect(server.responses).toHaveLength(0);
  });

  it('shows a push signed by the pinned key, and sends the typed number', async () => {
    const genuine = server.push(deviceId);
    const prompt = await waitForPrompt(b);
    await waitForText(prompt, 'Are you trying to sign in?');
    await waitForText(prompt, 'Contoso Portal');
    await prompt.type('#number', '42');
    await clickText(prompt, 'Yes');
    await expect.poll(() => server.responses.some((r) => r.challengeId === genuine.challengeId)).toBe(true);
    expect(server.responses.find((r) => r.challengeId === genuine.challengeId)).toMatchObject({ decision: 'approve', number: '42', deviceId });
    await waitForText(prompt, 'Approved');
    await waitForPromptClosed(b);
  });

  it('shows a request whose context has a field it does not know, without that field', async () => {
    const newer = server.push(deviceId, { app: 'Contoso Payroll', extraContext: { risk: 'Unfamiliar sign-in properties', score: 0.75 } });
    const prompt = await waitForPrompt(b);
    await waitForText(prompt, 'Are you trying to sign in?');
    await waitForText(prompt, 'Contoso Payroll');
    await waitForText(prompt, 'Paris, France');
    const details = await prompt.$eval('dl.details', (e) => e.textContent ?? '');
    expect(details).not.toContain('Unfamiliar');
    expect(details).not.toContain('0.75');
    await prompt.type('#number', '42');
    await clickText(prompt, 'Yes');
    await expect.poll(() => server.responses.some((r) => r.challengeId === newer.challengeId)).toBe(true);
    await waitForText(prompt, 'Approved');
    await waitForPromptClosed(b);
  });

  it('shows a v1 push, as a server from before v2 sends it', async () => {
    const old = server.push(deviceId, { app: 'Contoso Legacy', version: 1 });
    const prompt = await waitForPrompt(b);
    await waitForText(prompt, 'Contoso Legacy');
    await prompt.type('#number', '42');
    await clickText(prompt, 'Yes');
    await expect.poll(() => server.responses.find((r) => r.challengeId === old.challengeId)?.decision).toBe('approve');
    await waitForText(prompt, 'Approved');
    await waitForPromptClosed(b);
  });

  it('keeps a request whose window was closed: the popup offers to review it', async () => {
    const request = server.push(deviceId);
    const first = await waitForPrompt(b);
    await first.close();
    await popup.reload();
    await waitForText(popup, 'A sign-in request is waiting for you.');
    await clickText(popup, 'Review');
    const prompt = await waitForPrompt(b);
    await prompt.waitForSelector('#number');
    await prompt.type('#number', '07');
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    expect(server.responses.find((r) => r.challengeId === request.challengeId)).toMatchObject({ decision: 'approve', number: '07' });
    await waitForPromptClosed(b);
  });

  it('drops a request that expires: the prompt says so and closes, and one already expired never shows', async () => {
    const stale = server.push(deviceId, { expiresInMs: -1_000 });
    const short = server.push(deviceId, { expiresInMs: 3_000 });
    const prompt = await waitForPrompt(b);
    await waitForText(prompt, 'Are you trying to sign in?');
    await waitForText(prompt, 'Expired', 10_000);
    await waitForPromptClosed(b);
    const statuses = new Map((await history(popup)).map((r) => [r.challengeId, r.status]));
    expect(statuses.get(short.challengeId)).toBe('expired');
    expect(statuses.has(stale.challengeId)).toBe(false);
    expect(server.responses.filter((r) => r.challengeId === short.challengeId)).toHaveLength(0);
  });

  it('closes the prompt of a request that expires after Chrome stopped the worker (its timers gone)', async () => {
    const short = server.push(deviceId, { expiresInMs: 5_000 });
    const prompt = await waitForPrompt(b);
    await waitForText(prompt, 'Are you trying to sign in?');
    // A worker that stays stopped: without the offscreen document (as in Firefox) nothing starts it
    // again until a page calls it; with it, it would reconnect at once and poll.
    await popup.evaluate(() => chrome.offscreen.closeDocument());
    const cdp = await prompt.createCDPSession();
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await waitForText(prompt, 'Expired', 10_000);
    await waitForPromptClosed(b);
    const statuses = new Map((await history(popup)).map((r) => [r.challengeId, r.status]));
    expect(statuses.get(short.challengeId)).toBe('expired');
    // That message restarted the worker, which connects again: the next tests need its socket.
    await server.waitReady(deviceId, 30_000);
  });

  it('does not take an unsigned "revoked" at its word: a signed poll must confirm it', async () => {
    const before = server.commands;
    server.send(deviceId, { type: 'revoked', deviceId });
    // The device asks the server with a signed poll, which this server answers normally.
    await expect.poll(() => server.commands, { timeout: 5_000 }).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 300));
    const account = (await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'listAccounts' }))) as { value: { revoked: boolean }[] };
    expect(account.value[0]?.revoked).toBe(false);
  });

  it('keeps the private key inside: exportKey and wrapKey throw InvalidAccessError', async () => {
    const errors = await popup.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('pushkey');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const account = await new Promise<{ privateKey: CryptoKey }>((resolve, reject) => {
        const r = db.transaction('accounts').objectStore('accounts').getAll();
        r.onsuccess = () => resolve(r.result[0]);
        r.onerror = () => reject(r.error);
      });
      const key = account.privateKey;
      const wrapping = await crypto.subtle.generateKey({ name: 'AES-KW', length: 256 }, false, ['wrapKey']);
      const out: Record<string, string> = { extractable: String(key.extractable), type: key.type };
      for (const format of ['pkcs8', 'jwk'] as const) {
        out[format] = await crypto.subtle.exportKey(format, key).then(() => 'exported', (e: DOMException) => e.name);
      }
      out.wrapKey = await crypto.subtle.wrapKey('pkcs8', key, wrapping, 'AES-KW').then(() => 'wrapped', (e: DOMException) => e.name);
      return out;
    });
    expect(errors).toEqual({ extractable: 'false', type: 'private', pkcs8: 'InvalidAccessError', jwk: 'InvalidAccessError', wrapKey: 'InvalidAccessError' });
  });
});

describe('extension: someone else answering at the server origin', () => {
  it('rejects pushes from a server that took over the origin with a different key', async () => {
    // Enroll with the real server (its key is pinned), then stop it and let an impersonator
    // bind the very same origin with a key of its own.
    const real = await startServer({ clock: wallClock });
    const carol = real.users.carol!;
    const me = await signIn(real.origin, carol.upn, carol.password);
    const act = await me.post('/api/me/authenticator/activation');
    const page = await addAccountByCode(b, act.body.code, act.body.serverUrl, carol.upn);
    await waitConnected(page, carol.upn);
    const carolDevice = (await listAccounts(page)).find((a) => a.upn === carol.upn)!.deviceId;
    const port = Number(new URL(real.origin).port);
    await real.close();
    const impostor = await startImpersonator({ port });
    try {
      // The device reconnects (backoff with jitter) and binds to whoever answers at its origin.
      await impostor.waitReady(carolDevice, 30_000);
      const forged = impostor.push(carolDevice);
      await expect.poll(async () => (await history(page)).find((r) => r.challengeId === forged.challengeId)?.status, { timeout: 5_000 }).toBe('rejected');
      expect(await promptIsOpen(b)).toBe(false);
      expect(impostor.responses).toHaveLength(0);
    } finally {
      await impostor.close();
      await page.close();
    }
  }, 60_000);

  it('removes an account the server refuses to unregister for a wrong clock, and says the server was not told', async () => {
    server.refuseCommands = { status: 400, error: 'clock_skew', message: 'The device clock is too far from the server clock' };
    try {
      const page = await openPopupTab(b);
      await removeAccountIn(page, 'adele@contoso.test', "the server could not be told (unreachable, or this computer's clock is wrong)");
      await page.close();
    } finally {
      server.refuseCommands = null;
    }
  });

  it('removes an account whose server is gone, and says the server was not told', async () => {
    // The server of the account added above is closed now.
    const page = await openPopupTab(b);
    const carol = (await listAccounts(page)).find((a) => a.upn.startsWith('carol@'))!;
    await removeAccountIn(page, carol.upn, 'the server could not be told');
    await page.close();
  });
});
