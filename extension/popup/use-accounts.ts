// The popup's live view of the worker's accounts and history: reloaded on every broadcast.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { call, onBroadcast, type AccountView, type RequestView } from '../messaging/index.ts';

export function useAccounts(): { accounts: AccountView[] | null; error: string | null } {
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    call('listAccounts', {}).then(
      (list) => {
        setAccounts(list);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  }, []);
  useEffect(() => {
    load();
    return onBroadcast((m) => m.type === 'accountsChanged' && load());
  }, [load]);
  return { accounts, error };
}

export function useHistory(deviceId: string): RequestView[] {
  const [items, setItems] = useState<RequestView[]>([]);
  useEffect(() => {
    const load = () => void call('listHistory', { deviceId }).then(setItems, () => undefined);
    load();
    return onBroadcast((m) => m.type === 'requestsChanged' && load());
  }, [deviceId]);
  return items;
}

/** Requests waiting for an answer (the person may have closed the prompt window). */
export function usePending(): RequestView[] {
  const [items, setItems] = useState<RequestView[]>([]);
  useEffect(() => {
    const load = () => void call('listPending', {}).then(setItems, () => undefined);
    load();
    return onBroadcast((m) => m.type === 'requestsChanged' && load());
  }, []);
  return items;
}
