// The webhook SMS provider: POSTs each message as JSON to a configured URL, where a real
// SMS gateway (or a small adapter in front of one) delivers it. Unlike alerts, a code that
// does not leave is a failed sign-in step: a refusal or a timeout answers `unavailable`.
import type { Logger } from 'pino';
import { PushkeyError } from '../../../protocol/errors.ts';
import type { SmsProvider } from '../../domain/methods/sms.ts';

export function webhookSmsProvider(url: string, log: Logger, timeoutMs = 5000): SmsProvider {
  return {
    name: 'webhook',
    async send(m) {
      // The body: { type, to (E.164), text, userId }. The code is in `text`; it is never logged.
      const body = JSON.stringify({ type: 'pushkey.sms', to: m.to, text: m.text, userId: m.userId });
      let status: number;
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
        status = res.status;
        await res.body?.cancel();
      } catch (err) {
        log.warn({ err: String(err) }, 'SMS webhook unreachable');
        throw new PushkeyError('unavailable', "We couldn't send the text message right now. Try again, or use another method.");
      }
      if (status < 200 || status >= 300) {
        log.warn({ status }, 'SMS webhook refused the message');
        throw new PushkeyError('unavailable', "The text message service refused the message. Try again, or use another method.");
      }
    },
  };
}
