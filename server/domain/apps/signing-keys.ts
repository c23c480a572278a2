// The OpenID provider's signing keys: RSA (RS256, what every client accepts by default) and
// P-256 (ES256), kept as private JWKs in settings so that restarts and every instance sign
// with the same keys. Rotating puts a new pair first (the provider signs with the first key
// of an algorithm) and retires the pair before it: a retired key signs nothing more but stays
// in the JWKS for as long as anything it signed can still be presented, then it is dropped.
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { PushkeyError } from '../../../protocol/errors.ts';
import { newId, type Deps } from '../deps.ts';
import { audit, type Actor } from '../monitoring/audit.ts';

const SETTING = 'oidc_signing_keys';
/** How long an ID token is valid (the provider's ttl.IdToken). */
export const ID_TOKEN_TTL_S = 3600;

export interface SigningKey extends JsonWebKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  use: 'sig';
  /** When it was made (ms); absent on keys made before this was kept. */
  createdAt?: number;
  /** When a rotation replaced it (ms): it signs nothing after this. */
  retiredAt?: number;
}

/** What an administrator sees of a key: never its private half. */
export interface SigningKeyView {
  kid: string;
  alg: 'RS256' | 'ES256';
  status: 'current' | 'retired';
  createdAt: number | null;
  retiredAt: number | null;
  /** A retired key's last day in the JWKS; null for the current ones. */
  publishedUntil: number | null;
}

/**
 * How long a retired key stays published: an ID token lives an hour, but an app may hand one
 * back later as the id_token_hint of a sign-out (oidc-provider accepts an expired hint, checking
 * only its signature), for as long as the sign-in's session lasts.
 */
export const retentionMs = (d: Pick<Deps, 'limits'>): number => Math.max(ID_TOKEN_TTL_S * 1000, d.limits.sessionAbsoluteMs);

function newPair(d: Pick<Deps, 'random' | 'clock'>): SigningKey[] {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' });
  const generation = newId(d);
  const createdAt = d.clock.now();
  return [
    { ...rsa, kid: `rs-${generation}`, alg: 'RS256', use: 'sig', createdAt },
    { ...ec, kid: `es-${generation}`, alg: 'ES256', use: 'sig', createdAt },
  ];
}

function parseKeys(stored: string): SigningKey[] {
  const keys: unknown = JSON.parse(stored);
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k && typeof (k as SigningKey).kid === 'string')) {
    throw new TypeError(`Stored ${SETTING} is not a list of JWKs`);
  }
  return keys as SigningKey[];
}

/** Keys made before retirement was recorded: all but the first pair were retired by a rotation, when is not known. */
const isRetired = (k: SigningKey, i: number): boolean => k.retiredAt !== undefined || (k.createdAt === undefined && i >= 2);
/** Still published: current, or retired less than the retention ago (a retirement of unknown date counts as one just past). */
const published = (d: Pick<Deps, 'clock' | 'limits'>, k: SigningKey, i: number): boolean => !isRetired(k, i) || (k.retiredAt ?? d.clock.now()) + retentionMs(d) > d.clock.now();

async function storedKeys(d: Pick<Deps, 'repo' | 'random' | 'clock'>): Promise<{ keys: SigningKey[]; stored: string }> {
  const stored = (await d.repo.getSetting(SETTING)) ?? (await d.repo.initSetting(SETTING, JSON.stringify(newPair(d))));
  return { keys: parseKeys(stored), stored };
}

/** The keys the provider is built with, newest first, as plain JWKs; the first start creates them (instances starting together agree: first writer wins). */
export async function loadSigningKeys(d: Pick<Deps, 'repo' | 'random' | 'clock' | 'limits'>): Promise<{ keys: SigningKey[]; stored: string }> {
  const { keys, stored } = await storedKeys(d);
  return { keys: keys.filter((k, i) => published(d, k, i)).map(({ createdAt: _c, retiredAt: _r, ...jwk }) => jwk), stored };
}

/** The raw setting, for instances to notice a rotation made by another. */
export const signingKeysVersion = (d: Pick<Deps, 'repo'>): Promise<string | null> => d.repo.getSetting(SETTING);

/** The keys as an administrator sees them: the current pair first, then the retired ones still published. */
export async function listSigningKeys(d: Pick<Deps, 'repo' | 'random' | 'clock' | 'limits'>): Promise<SigningKeyView[]> {
  const { keys } = await storedKeys(d);
  return keys
    .map((k, i) => ({ k, i }))
    .filter(({ k, i }) => published(d, k, i))
    .map(({ k, i }) => {
      const retired = isRetired(k, i);
      return {
        kid: k.kid,
        alg: k.alg,
        status: retired ? 'retired' : 'current',
        createdAt: k.createdAt ?? null,
        retiredAt: k.retiredAt ?? null,
        publishedUntil: retired && k.retiredAt !== undefined ? k.retiredAt + retentionMs(d) : null,
      };
    });
}

const rotatedSince = (replacing: string, current: string[]) =>
  new PushkeyError('conflict', `The signing keys were rotated since: "${replacing}" no longer signs (the current keys are ${current.join(' and ')}). Look at them again before rotating.`);

/**
 * A new pair first: it signs from now on. The pair it replaces is retired now and stays
 * published for the retention; retired keys past it are dropped. Audited. Returns the new key ids.
 * `replacing` is a current key id as the caller saw it: the rotation happens only while it is
 * still current, so two admins, a retried request or a double click rotate once.
 */
export async function rotateSigningKeys(d: Deps, actor: Actor, replacing: string): Promise<string[]> {
  const { keys, stored } = await storedKeys(d);
  const current = keys.filter((k, i) => !isRetired(k, i)).map((k) => k.kid);
  if (!current.includes(replacing)) throw rotatedSince(replacing, current);
  const now = d.clock.now();
  const pair = newPair(d);
  const kept = keys.filter((k, i) => published(d, k, i) && (k.retiredAt !== undefined || !isRetired(k, i))).map((k) => (k.retiredAt === undefined ? { ...k, retiredAt: now } : k));
  // Another instance rotating at the same moment read the same keys: one write lands, the other is told.
  if (!(await d.repo.replaceSetting(SETTING, stored, JSON.stringify([...pair, ...kept])))) throw rotatedSince(replacing, (await listSigningKeys(d)).filter((k) => k.status === 'current').map((k) => k.kid));
  const kids = pair.map((k) => k.kid);
  await audit(d, actor, 'oidc.keys_rotated', { type: 'oidc_keys', id: kids[0]! }, { kids: current }, { kids, retired: kept.map((k) => k.kid) });
  return kids;
}

/** The public halves, as the JWKS endpoint publishes them. */
export function publicJwk(k: SigningKey): JsonWebKey {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, createdAt: _c, retiredAt: _r, ...pub } = k;
  return pub;
}
