// The extension's IndexedDB: accounts (with their non-extractable CryptoKey) and the
// history of requests. The schema is one typed interface; migrations live in `upgrade`.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { PushContent } from '../../protocol/index.ts';
import { clock } from '../clock.ts';
import type { Hint, RequestStatus } from '../messaging/schema.ts';

export interface AccountRecord {
  /** Primary key: the server-assigned device id (128 random bits). */
  deviceId: string;
  accountId: string;
  origin: string;
  upn: string;
  displayName: string;
  tenant: string;
  /** The server's P-256 key pinned at enrollment (raw point, base64url). */
  serverPublicKey: string;
  /** ECDSA P-256, extractable:false: it can sign and nothing else. */
  privateKey: CryptoKey;
  publicKey: string;
  passwordless: boolean;
  revoked: boolean;
  createdAt: number;
  updatedAt: number;
  /** Last timestamp signed into a device command; the next one must be larger. */
  lastCommandAt: number;
  /** The name sent at enrollment (absent on accounts added before names were chosen). */
  deviceName?: string;
}

/**
 * A request as stored: what the verified push asked, in the protocol's own shape (its context
 * is the protocol's Context, so a new context field needs nothing here), and how it went here.
 */
export type RequestRecord = PushContent & {
  /** `${deviceId}/${challengeId}` for verified pushes; `rejected/<random>` for forged ones. */
  key: string;
  origin: string;
  receivedAt: number;
  status: RequestStatus;
  detail?: string;
  /** What was unusual when it arrived (background/hints.ts). */
  hints?: Hint[];
};

/** A request as version 1 of this database stored it: the context's four fields flat. */
type FlatRequestRecord = Omit<RequestRecord, 'context'> & { ip: string; location: string; browser: string; time: number };

/** The app lock's PIN, kept only as a slow salted hash (background/app-lock.ts), and the wrong tries in a row. */
export interface AppLockRecord {
  salt: string;
  hash: string;
  iterations: number;
  failures: number;
}

interface PushkeyDB extends DBSchema {
  accounts: { key: string; value: AccountRecord; indexes: { byOrigin: string } };
  requests: { key: string; value: RequestRecord; indexes: { byStatus: RequestStatus; byReceived: number } };
  /** Settings of the whole extension, one record per key ('appLock'). */
  settings: { key: 'appLock'; value: AppLockRecord };
}

const DB_NAME = 'pushkey';
const DB_VERSION = 3;
/** History is capped: the oldest finished entries go first. */
export const HISTORY_LIMIT = 200;

let dbPromise: Promise<IDBPDatabase<PushkeyDB>> | undefined;

export function db(): Promise<IDBPDatabase<PushkeyDB>> {
  dbPromise ??= openDB<PushkeyDB>(DB_NAME, DB_VERSION, {
    async upgrade(database, oldVersion, _newVersion, transaction) {
      // Each step takes the database from version n to n+1; add new steps below.
      if (oldVersion < 1) {
        const accounts = database.createObjectStore('accounts', { keyPath: 'deviceId' });
        accounts.createIndex('byOrigin', 'origin');
        const requests = database.createObjectStore('requests', { keyPath: 'key' });
        requests.createIndex('byStatus', 'status');
        requests.createIndex('byReceived', 'receivedAt');
      }
      if (oldVersion < 2) {
        // The context moves under `context`, as the protocol shapes it.
        let cursor = await transaction.objectStore('requests').openCursor();
        while (cursor) {
          const { ip, location, browser, time, ...rest } = cursor.value as unknown as FlatRequestRecord;
          await cursor.update({ ...rest, context: { ip, location, browser, time } });
          cursor = await cursor.continue();
        }
      }
      if (oldVersion < 3) database.createObjectStore('settings');
    },
  });
  return dbPromise;
}

export const listAccounts = async (): Promise<AccountRecord[]> => (await db()).getAll('accounts');
export const getAccount = async (deviceId: string): Promise<AccountRecord | undefined> => (await db()).get('accounts', deviceId);
export const accountsOf = async (origin: string): Promise<AccountRecord[]> => (await db()).getAllFromIndex('accounts', 'byOrigin', origin);
export const putAccount = async (account: AccountRecord): Promise<void> => void (await (await db()).put('accounts', account));
export const deleteAccount = async (deviceId: string): Promise<void> => (await db()).delete('accounts', deviceId);

/** Applies `change` inside one transaction; undefined when the account is gone. */
export async function updateAccount(deviceId: string, change: (a: AccountRecord) => Partial<AccountRecord>): Promise<AccountRecord | undefined> {
  const tx = (await db()).transaction('accounts', 'readwrite');
  const current = await tx.store.get(deviceId);
  if (!current) return undefined;
  const next = { ...current, ...change(current), updatedAt: clock.now() };
  await tx.store.put(next);
  await tx.done;
  return next;
}

export const getRequest = async (key: string): Promise<RequestRecord | undefined> => (await db()).get('requests', key);
export const requestsWithStatus = async (status: RequestStatus): Promise<RequestRecord[]> =>
  (await db()).getAllFromIndex('requests', 'byStatus', status);

export const getAppLock = async (): Promise<AppLockRecord | undefined> => (await db()).get('settings', 'appLock');
export const putAppLock = async (lock: AppLockRecord): Promise<void> => void (await (await db()).put('settings', lock, 'appLock'));
export const deleteAppLock = async (): Promise<void> => (await db()).delete('settings', 'appLock');

/** Counts one more wrong try before the PIN is even checked, so tries made at once cannot each get the same count; returns the new count. */
export async function countAppLockTry(): Promise<number | undefined> {
  const tx = (await db()).transaction('settings', 'readwrite');
  const lock = await tx.store.get('appLock');
  if (!lock) return undefined;
  const failures = lock.failures + 1;
  await tx.store.put({ ...lock, failures }, 'appLock');
  await tx.done;
  return failures;
}

/** Every stored request, in no order: one read, for what needs them all (background/hints.ts). */
export const allRequests = async (): Promise<RequestRecord[]> => (await db()).getAll('requests');

/** Newest first. */
export async function history(limit = HISTORY_LIMIT): Promise<RequestRecord[]> {
  const out: RequestRecord[] = [];
  let cursor = await (await db()).transaction('requests').store.index('byReceived').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

/** Stores a request unless one with that key exists; true when it was new. */
export async function addRequest(record: RequestRecord): Promise<boolean> {
  const tx = (await db()).transaction('requests', 'readwrite');
  if (await tx.store.getKey(record.key)) return false;
  await tx.store.add(record);
  await tx.done;
  return true;
}

/** Moves a request to a new status; only a pending one can move, so two answers cannot both win. */
export async function settleRequest(key: string, status: RequestStatus, detail?: string): Promise<RequestRecord | undefined> {
  const tx = (await db()).transaction('requests', 'readwrite');
  const current = await tx.store.get(key);
  if (!current || current.status !== 'pending') return undefined;
  const next: RequestRecord = { ...current, status, ...(detail ? { detail } : {}) };
  await tx.store.put(next);
  await tx.done;
  return next;
}

/** Deletes the oldest finished requests beyond the limit. */
export async function pruneHistory(limit = HISTORY_LIMIT): Promise<void> {
  const tx = (await db()).transaction('requests', 'readwrite');
  let seen = 0;
  let cursor = await tx.store.index('byReceived').openCursor(null, 'prev');
  while (cursor) {
    seen++;
    if (seen > limit && cursor.value.status !== 'pending') await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}

export async function deleteRequestsOf(deviceId: string): Promise<void> {
  const tx = (await db()).transaction('requests', 'readwrite');
  let cursor = await tx.store.openCursor();
  while (cursor) {
    if (cursor.value.deviceId === deviceId) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}
