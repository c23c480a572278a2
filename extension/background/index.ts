// The service worker: owns the keys, the channels and the pending requests. Everything
// the pages can ask is in the one table below.
import { browser, handleMessages, holdWakePort, onPageClosed } from '../messaging/index.ts';
import { accountViews, addAccount, disablePasswordless, removeAccount, startPasswordlessSetup, suggestDeviceName, wake } from './accounts.ts';
import { toErrorInfo } from './errors.ts';
import { notePromptShowing, parkPromptIfIdle, queueForPrompt, showPrompt, watchPromptWindow } from './prompt-window.ts';
import { ensureWaker } from './waker.ts';
import { answerRequest, pendingRequests, promptRequests, requestHistory, resumeSetupOutsidePopup } from './requests.ts';

const WAKE_ALARM = 'wake';
// Chrome's shortest period (30 s). In Chromium the offscreen document (waker.ts) starts a
// stopped worker again at once; this alarm is the way back where there is none (Firefox) or
// it is gone: it starts the worker, and wake() reconnects and polls so nothing is lost.
const WAKE_PERIOD_MIN = 0.5;

handleMessages(
  {
    listAccounts: () => accountViews(),
    addAccount: (a) => addAccount(a),
    suggestDeviceName: ({ origin }) => suggestDeviceName(origin),
    removeAccount: ({ deviceId }) => removeAccount(deviceId),
    startPasswordlessSetup: ({ deviceId, password }) => startPasswordlessSetup(deviceId, password),
    disablePasswordless: ({ deviceId }) => disablePasswordless(deviceId),
    listPending: () => pendingRequests(),
    openPrompt: () => showPrompt(promptRequests).then(() => null),
    promptQueue: () => queueForPrompt(promptRequests),
    parkPrompt: () => parkPromptIfIdle(promptRequests),
    promptShowing: ({ key }) => notePromptShowing(key).then(() => null),
    listHistory: ({ deviceId }) => requestHistory(deviceId),
    answerRequest: ({ key, decision, number }) => answerRequest(key, decision, number),
  },
  toErrorInfo,
);

watchPromptWindow(promptRequests);
holdWakePort();
onPageClosed('popup', () => void resumeSetupOutsidePopup());

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void wake('alarm');
});
browser.runtime.onStartup.addListener(() => void wake('startup'));

async function ensureAlarm(): Promise<void> {
  if (!(await browser.alarms.get(WAKE_ALARM))) await browser.alarms.create(WAKE_ALARM, { periodInMinutes: WAKE_PERIOD_MIN });
}

// Every time the worker starts (install, browser start, alarm, a message from a page).
void ensureAlarm();
void ensureWaker().catch((err: unknown) => console.warn('pushkey: cannot open the offscreen document', err));
void wake('worker start');
