// The server's device API over HTTPS: enroll, respond, and signed commands. Every call
// maps failures to a PushkeyError whose code comes from protocol/errors.ts; a network
// failure is 'unavailable' ("server unreachable").
import * as v from 'valibot';
import {
  CAPABILITIES,
  Enrolled,
  Ok,
  Pending,
  PushkeyError,
  Result,
  SetupStarted,
  commandBytes,
  enrollBytes,
  readErrorAnswer,
  respondBytes,
  type DeviceCommandType,
  type PushRequest,
} from '../../protocol/index.ts';
import { extensionVersion } from '../messaging/index.ts';
import { t } from '../ui/i18n.ts';
import { signBytes, type DeviceKey } from '../crypto/device-key.ts';

const TIMEOUT_MS = 15_000;

async function post<S extends v.GenericSchema>(origin: string, path: string, body: unknown, answer: S): Promise<v.InferOutput<S>> {
  let res: Response;
  try {
    res = await fetch(origin + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new PushkeyError('unavailable', `The server ${origin} is unreachable`, { cause: String(err) });
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    throw readErrorAnswer(json) ?? new PushkeyError(res.status >= 500 ? 'unavailable' : 'bad_request', t('errorServerStatus', res.status));
  }
  const parsed = v.safeParse(answer, json);
  if (!parsed.success) throw new PushkeyError('bad_request', t('errorUnexpectedAnswer', origin + path, parsed.issues[0].message));
  return parsed.output;
}

export const capabilities = (): string[] => [...CAPABILITIES];

/** Registers a new key with a one-time activation code (proof of possession included). */
export async function enroll(origin: string, code: string, key: DeviceKey, deviceName: string) {
  const clientVersion = extensionVersion();
  const caps = capabilities();
  const proof = await signBytes(key.privateKey, enrollBytes({ origin, code, publicKey: key.publicKey, deviceName, clientVersion, capabilities: caps }));
  const enrolled = await post(origin, '/api/device/enroll', {
    type: 'enroll',
    code,
    publicKey: key.publicKey,
    deviceName,
    clientVersion,
    capabilities: caps,
    proof,
  }, Enrolled);
  if (enrolled.origin !== origin) {
    throw new PushkeyError('bad_request', t('errorUnexpectedOrigin', enrolled.origin, origin));
  }
  return enrolled;
}

export interface Signer {
  origin: string;
  deviceId: string;
  privateKey: CryptoKey;
}

/** Answers a request: the typed number for approve, "" for deny and report; `userVerification` when the app lock was opened for it (signed). */
export async function respond(account: Signer, request: { challengeId: string; nonce: string }, decision: 'approve' | 'deny' | 'report', number: string, userVerification?: 'pin') {
  const clientVersion = extensionVersion();
  const signature = await signBytes(
    account.privateKey,
    respondBytes({ origin: account.origin, challengeId: request.challengeId, nonce: request.nonce, decision, number, deviceId: account.deviceId, clientVersion, userVerification }),
  );
  return post(account.origin, '/api/device/respond', {
    type: 'response',
    challengeId: request.challengeId,
    deviceId: account.deviceId,
    decision,
    number,
    clientVersion,
    capabilities: capabilities(),
    ...(userVerification ? { userVerification } : {}),
    signature,
  }, Result);
}

async function command<S extends v.GenericSchema>(
  account: Signer,
  type: DeviceCommandType,
  timestamp: number,
  extra: Record<string, unknown>,
  answer: S,
): Promise<v.InferOutput<S>> {
  const signature = await signBytes(account.privateKey, commandBytes({ type, origin: account.origin, deviceId: account.deviceId, timestamp }));
  return post(account.origin, '/api/device/command', { type, deviceId: account.deviceId, timestamp, signature, ...extra }, answer);
}

export const poll = (a: Signer, ts: number): Promise<PushRequest[]> => command(a, 'poll', ts, { clientVersion: extensionVersion(), capabilities: capabilities() }, Pending).then((p) => p.requests);
export const startPasswordlessSetup = (a: Signer, ts: number, password: string): Promise<PushRequest> =>
  command(a, 'passwordless_setup', ts, { password, clientVersion: extensionVersion() }, SetupStarted).then((s) => s.request);
export const disablePasswordless = (a: Signer, ts: number) => command(a, 'passwordless_disable', ts, {}, Ok);
export const unenroll = (a: Signer, ts: number) => command(a, 'unenroll', ts, {}, Ok);
