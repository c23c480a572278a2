// Hooks shared by the pages: the hash route, data loading, polling, countdowns, sign-in redirects.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, messageOf, serverNow } from './api.ts';

/** The part after `#`, without the leading slash: "" for the start page, "users/abc" for a user. */
export function useHashRoute(): string {
  const read = () => location.hash.replace(/^#\/?/, '');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const navigate = (route: string): void => {
  location.hash = `#/${route}`;
};

/** Where the sign-in page sends people back to: only a path of this site, never another origin. */
export function safeNext(value: string | null, fallback = '/myaccount/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

export function redirectToSignIn(): void {
  const here = location.pathname + location.hash;
  location.assign(`/login/?next=${encodeURIComponent(here)}`);
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads once (and on `reload`); a 401 sends the person to sign in. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const alive = useRef(true);
  /** Only the newest load may land: a slow answer for an older filter must not replace a newer one. */
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++latest.current;
    const current = () => alive.current && mine === latest.current;
    setLoading(true);
    try {
      const value = await load();
      if (!current()) return;
      setData(value);
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return redirectToSignIn();
      if (current()) setError(messageOf(err));
    } finally {
      if (current()) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    alive.current = true;
    void reload();
    return () => {
      alive.current = false;
    };
  }, [reload]);
  return { data, error, loading, reload };
}

/** Calls `tick` every `ms` while `on`; stops when it returns true. */
export function usePoll(on: boolean, ms: number, tick: () => Promise<boolean | void>): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!on) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (stopped) return;
      let done = false;
      try {
        done = (await latest.current()) === true;
      } catch (err) {
        // A session that ended sends the person to sign in; any other failure is retried on the next tick.
        if (err instanceof ApiError && err.status === 401) return redirectToSignIn();
      }
      if (!stopped && !done) timer = setTimeout(run, ms);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [on, ms]);
}

/** Seconds left until `expiresAt` (server time), updated every second; 0 once past. */
export function useSecondsLeft(expiresAt: number | null | undefined): number {
  const compute = () => (expiresAt ? Math.max(0, Math.ceil((expiresAt - serverNow()) / 1000)) : 0);
  const [left, setLeft] = useState(compute);
  useEffect(() => {
    setLeft(compute());
    if (!expiresAt) return;
    const t = setInterval(() => setLeft(compute()), 250);
    return () => clearInterval(t);
  }, [expiresAt]);
  return left;
}

/** Runs an action and keeps its pending state and error message for the form that started it. */
export function useAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): {
  run: (...args: A) => Promise<void>;
  busy: boolean;
  error: string | null;
  setError: (m: string | null) => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return redirectToSignIn();
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, setError };
}

/** The window title names the page first, as screen readers announce it on navigation. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
