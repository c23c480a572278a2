// Signed device commands carry a timestamp that the server requires to be strictly newer
// than the last one it accepted from the device. Commands of one device are therefore
// serialized here, and the last timestamp is stored with the account.
import { PushkeyError } from '../../protocol/index.ts';
import { clock } from '../clock.ts';
import { getAccount, updateAccount, type AccountRecord } from '../storage/db.ts';

const queues = new Map<string, Promise<unknown>>();

export function withCommandTimestamp<T>(deviceId: string, run: (account: AccountRecord, timestamp: number) => Promise<T>): Promise<T> {
  const previous = queues.get(deviceId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(async () => {
    const current = await getAccount(deviceId);
    if (!current) throw new PushkeyError('device_unknown', 'This account was removed');
    const timestamp = Math.max(clock.now(), current.lastCommandAt + 1);
    const account = (await updateAccount(deviceId, () => ({ lastCommandAt: timestamp }))) ?? current;
    try {
      return await run(account, timestamp);
    } catch (err) {
      // A timestamp the server refused for the clock was never accepted: forget it, or a clock
      // that was once ahead would push every later command ahead too, long after it is fixed.
      if (err instanceof PushkeyError && err.code === 'clock_skew') await updateAccount(deviceId, () => ({ lastCommandAt: current.lastCommandAt }));
      throw err;
    }
  });
  queues.set(deviceId, next);
  void next.finally(() => {
    if (queues.get(deviceId) === next) queues.delete(deviceId);
  }).catch(() => undefined);
  return next;
}
