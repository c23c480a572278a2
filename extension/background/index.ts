// The service worker: owns the keys, the channels and the pending requests. Everything
// the pages can ask is in the one table below.
import { browser, handleMessages, holdWakePort, offscreenApi, onPageClosed } from '../messaging/index.ts';
import { accountViews, addAccount, disablePasswordless, removeAccount, startPasswordlessSetup, suggestDeviceName, wake, wipeAccounts } from './accounts.ts';
import { appLockStatus, removeAppLock, setAppLock } from './app-lock.ts';
import { toErrorInfo } from './errors.ts';
import { notePromptShowing, parkPromptIfIdle, queueForPrompt, showPrompt, watchPromptWindow } from './prompt-window.ts';
import { ensureWaker } from './waker.ts';
import { answerRequest, pendingRequests, promptRequests, requestHistory, resumeSetupOutsidePopup } from './requests.ts';

const WAKE_ALARM = 'wake';
// Chromium: its shortest period (30 s). There the offscreen document (waker.ts) starts a stopped
// worker again at once, and this alarm is the way back if the document is gone: it starts the
// worker, and wake() reconnects and polls so nothing is lost.
// Firefox has no offscreen documents, and stops its event page 30 s after the last extension
// event (extensions.background.idle.timeout); a WebSocket message is not one. A stopped page gets
// a push only at the next alarm (measured 17–20 s late with the idle time lowered to 3 s), and a
// 30 s alarm against a 30 s idle time is a race. Firefox fires alarms below 30 s, and each one
// starts the idle time again, so an alarm every 20 s keeps the page and its channels up, as the
// offscreen document does in Chromium. It costs no request: a connected account is not polled.
const WAKE_PERIOD_MIN = offscreenApi() ? 0.5 : 20 / 60;

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
    answerRequest: ({ key, decision, number, pin }) => answerRequest(key, decision, number, pin),
    appLockStatus: () => appLockStatus(),
    setAppLock: ({ pin, current }) => setAppLock(pin, current, wipeAccounts),
    removeAppLock: ({ current }) => removeAppLock(current, wipeAccounts),
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
  const alarm = await browser.alarms.get(WAKE_ALARM);
  if (alarm?.periodInMinutes !== WAKE_PERIOD_MIN) await browser.alarms.create(WAKE_ALARM, { periodInMinutes: WAKE_PERIOD_MIN });
}

// Every time the worker starts (install, browser start, alarm, a message from a page).
void ensureAlarm();
void ensureWaker().catch((err: unknown) => console.warn('pushkey: cannot open the offscreen document', err));
void wake('worker start');
