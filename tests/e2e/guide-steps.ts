// The guide's phases and bites as a person does them, on the real pages and in the real
// extension: the journey (one user through everything that bites) and the classroom lab (a
// student, watched on the instructor's board) walk the same steps. `look` is called at each
// moment worth a screenshot, with a short name for it.
import type { Page } from 'puppeteer-core';
import { clickText, openPopupTab, replaceText, waitForPrompt, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { shownNumber } from '../support/site.ts';
import { otherNumber } from './flows.ts';

export type Look = (page: Page, name: string) => Promise<void>;
const nothing: Look = async () => undefined;

/** The prompt window of `p`: the number typed, then Yes. */
export async function approveIn(p: Profile, number: string, look: (prompt: Page) => Promise<void> = async () => undefined): Promise<Page> {
  const prompt = await waitForPrompt(p);
  await prompt.waitForSelector('#number');
  await look(prompt);
  await prompt.type('#number', number);
  await clickText(prompt, 'Yes');
  return prompt;
}

/** The prompt window of `p`: "No, it's not me", then Report. */
export async function reportIn(p: Profile, look: Look = nothing): Promise<Page> {
  const prompt = await waitForPrompt(p);
  await prompt.waitForSelector('#number');
  await clickText(prompt, "No, it's not me");
  await waitForText(prompt, 'Do you want to report this?');
  await look(prompt, 'report-question');
  await clickText(prompt, 'Report');
  await waitForText(prompt, 'your organization was alerted');
  await look(prompt, 'reported');
  return prompt;
}

/** Phase 2 in My Account (on Security info): + Add sign-in method → Authenticator app, up to its QR code. */
export async function openAuthenticatorWizard(my: Page, look: Look = nothing): Promise<void> {
  await clickText(my, '+ Add sign-in method');
  await clickText(my, 'Add');
  await waitForText(my, 'Start by getting the app');
  await look(my, 'wizard-get-app');
  await clickText(my, 'Next');
  await waitForText(my, 'Set up your account');
  await look(my, 'wizard-set-up');
  await clickText(my, 'Next');
  await my.waitForSelector('.qr img');
  await look(my, 'wizard-qr');
}

/** The wizard's end, once the extension of `b` added the account: "Let's try it out" approved, Next, Done. */
export async function tryItOut(b: Profile, my: Page, look: Look = nothing): Promise<void> {
  await my.bringToFront();
  await waitForText(my, "Let's try it out");
  const number = await shownNumber(my);
  await look(my, 'wizard-try');
  const prompt = await approveIn(b, number, (p) => look(p, 'test-prompt'));
  await waitForText(prompt, 'Approved');
  await waitForText(my, 'Notification approved');
  await clickText(my, 'Next');
  await waitForText(my, 'Authenticator app was successfully registered');
  await look(my, 'wizard-done');
  await clickText(my, 'Done');
  await waitForPromptClosed(b);
}

/** Phase 3: in the extension, the account (`account`: its name in the list) → "Set up passwordless sign-in", the password, then the number My Account (`my`) shows. */
export async function setUpPasswordlessFromPage(b: Profile, my: Page, origin: string, account: string, password: string, look: Look = nothing): Promise<void> {
  const popup = await openPopupTab(b);
  await clickText(popup, account);
  await look(popup, 'popup-account');
  await clickText(popup, 'Set up passwordless sign-in');
  await popup.type('#password', password);
  await clickText(popup, 'Continue');
  await popup.waitForSelector('#setup-number');
  await look(popup, 'popup-setup-number');

  await my.bringToFront();
  await my.goto(`${origin}/myaccount/#/security-info/passwordless`);
  await waitForText(my, 'Enter this number in your Authenticator app');
  const number = await shownNumber(my);
  await look(my, 'myaccount-setup-number');

  await popup.bringToFront();
  await popup.type('#setup-number', number);
  await clickText(popup, 'Register');
  await waitForText(popup, 'Passwordless sign-in is on');
  await look(popup, 'popup-passwordless-on');
  await clickText(popup, 'Done');
  await popup.close();
  await waitForText(my, 'Passwordless sign-in is on');
  await look(my, 'myaccount-passwordless-on');
}

/** The sign-in page on its password step → "Use an app instead": answers the number the page shows. */
async function useAnAppInstead(page: Page, look: Look): Promise<string> {
  await waitForText(page, 'Use an app instead');
  await look(page, 'password-with-app-link');
  await clickText(page, 'Use an app instead');
  await waitForText(page, 'Open your Authenticator app, and enter the number shown to sign in');
  const number = await shownNumber(page);
  await look(page, 'number');
  return number;
}

/** Phase 4 on the sign-in page (on its password step): "Use an app instead", the number approved in `b`, signed in without a password. */
export async function signInPasswordless(page: Page, b: Profile, look: Look = nothing): Promise<void> {
  const number = await useAnAppInstead(page, look);
  const prompt = await approveIn(b, number, (p) => look(p, 'passwordless-prompt'));
  await waitForText(prompt, 'Approved');
  await look(prompt, 'prompt-approved');
  await waitForText(page, "You're signed in");
  await page.waitForNavigation();
  await waitForPromptClosed(b);
}

/** Bite 2 on the sign-in page (on its password step): "Use an app instead", and in `b`'s prompt a number that is not the page's. Both say it did not match. */
export async function tryWrongNumber(page: Page, b: Profile, look: Look = nothing): Promise<void> {
  const number = await useAnAppInstead(page, look);
  const prompt = await approveIn(b, otherNumber(number));
  await waitForText(prompt, "The number didn't match");
  await look(prompt, 'prompt-wrong-number');
  await waitForText(page, "The number didn't match");
  await look(page, 'wrong-number');
  await waitForPromptClosed(b);
}

/** Phase 5: in the extension, the account → Account settings → Disable passwordless sign-in. */
export async function disablePasswordless(b: Profile, account: string, look: Look = nothing): Promise<void> {
  const popup = await openPopupTab(b);
  await clickText(popup, account);
  await clickText(popup, 'Account settings');
  await clickText(popup, 'Disable passwordless sign-in');
  await waitForText(popup, 'Disable passwordless sign-in?');
  await look(popup, 'popup-disable');
  await clickText(popup, 'Disable');
  await waitForText(popup, 'Passwordless sign-in is off.');
  await popup.close();
}

/** Bite 4, the helpdesk's half, in the portal (`page`, on Users): the user found by `search`, a pass added, read from the screen. */
export async function issueTapInPortal(page: Page, who: { search: string; displayName: string }, opts: { oneTime: boolean; lifetimeMinutes?: number }, look: Look = nothing): Promise<string> {
  await page.waitForSelector('#user-search');
  await page.type('#user-search', who.search);
  await clickText(page, 'Search');
  await page.waitForFunction((n) => document.querySelectorAll('table tbody tr').length === 1 && document.body.innerText.includes(n), {}, who.displayName);
  await clickText(page, who.displayName, 'a');
  await clickText(page, 'Add Temporary Access Pass');
  await page.waitForSelector('#tap-lifetime');
  if (opts.lifetimeMinutes !== undefined) {
    await replaceText(page, '#tap-lifetime', String(opts.lifetimeMinutes));
  }
  const checked = await page.$eval('#tap-one-time', (e) => (e as HTMLInputElement).checked);
  if (checked !== opts.oneTime) await page.click('#tap-one-time');
  await page.click('dialog button[type=submit]');
  const pass = await (await page.waitForSelector('[data-testid=tap]'))!.evaluate((e) => e.textContent!.trim());
  await look(page, 'tap-issued');
  return pass;
}

/** Bite 4, the user's half: the sign-in page → the user name → Other ways to sign in → the pass. Leaves the page on the pass's form, the pass typed. */
export async function typeTap(page: Page, origin: string, upn: string, pass: string, next: string): Promise<void> {
  await page.goto(`${origin}/login/?next=${encodeURIComponent(next)}`);
  await page.waitForSelector('#username');
  await page.type('#username', upn);
  await clickText(page, 'Next');
  // The page opens on the password for every name; the pass is under "Other ways to sign in".
  await page.waitForSelector('#password');
  await clickText(page, 'Other ways to sign in');
  await clickText(page, 'Use a Temporary Access Pass');
  await page.waitForSelector('#tap');
  await page.type('#tap', pass);
}
