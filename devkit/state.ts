// The state file: every account this authenticator holds (several servers, users and devices
// in one file), with the keys in clear. It is a test fixture, not a wallet: the extension keeps
// its keys non-extractable in IndexedDB, and this file should live only as long as a CI run.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { StoredDevice } from './device.ts';

export interface StateFile {
  version: 1;
  accounts: StoredDevice[];
}

export const DEFAULT_STATE = 'pushkey-authenticator.json';

export function readState(file: string): StateFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, accounts: [] };
    throw e;
  }
  const state = JSON.parse(text) as StateFile;
  if (state.version !== 1 || !Array.isArray(state.accounts)) throw new Error(`${file} is not a pushkey-authenticator state file (version 1)`);
  return state;
}

/** Written to a temporary file and renamed over the old one, so a run killed midway leaves the old state whole. */
export function writeState(file: string, state: StateFile): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Replaces the stored device with the same id, or adds it. */
export function putAccount(state: StateFile, device: StoredDevice): StateFile {
  const others = state.accounts.filter((a) => a.account.deviceId !== device.account.deviceId);
  return { ...state, accounts: [...others, device] };
}

export function dropAccount(state: StateFile, deviceId: string): StateFile {
  return { ...state, accounts: state.accounts.filter((a) => a.account.deviceId !== deviceId) };
}

/**
 * The accounts `selector` names: a device id, a user's UPN, or a server origin; every account
 * when there is no selector. Throws when it names none.
 */
export function selectAccounts(state: StateFile, selector: string | undefined): StoredDevice[] {
  if (!selector) return state.accounts;
  const hits = state.accounts.filter((a) => a.account.deviceId === selector || a.account.upn === selector || a.origin === selector);
  if (hits.length === 0) throw new Error(`no account in the state file matches "${selector}" (a device id, a UPN or a server origin)`);
  return hits;
}

/** Exactly one account, for the commands that act on one device. */
export function selectOne(state: StateFile, selector: string | undefined): StoredDevice {
  const hits = selectAccounts(state, selector);
  if (hits.length === 0) throw new Error('the state file holds no account: run `pushkey-authenticator enroll` first');
  if (hits.length > 1) throw new Error(`${hits.length} accounts match: name one with --account <deviceId | upn>`);
  return hits[0]!;
}
