// Sends each alert as JSON to a configured URL (a SIEM, a chat hook, a ticket system).
// Fire and forget with a timeout: a slow or failing receiver never delays a sign-in.
import type { Logger } from 'pino';
import type { AlertSink } from '../../domain/deps.ts';

export function webhookSink(url: string, log: Logger, timeoutMs = 5000): AlertSink {
  return (alert) => {
    const body = JSON.stringify({ type: 'pushkey.alert', alert: { id: alert.id, at: new Date(alert.at).toISOString(), kind: alert.kind, upn: alert.upn, userId: alert.userId, detail: alert.detail } });
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) })
      .then((res) => {
        if (!res.ok) log.warn({ status: res.status, alertId: alert.id }, 'alert webhook refused the alert');
      })
      .catch((err: unknown) => log.warn({ err: String(err), alertId: alert.id }, 'alert webhook unreachable'));
  };
}
