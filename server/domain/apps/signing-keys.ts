// The OpenID provider's signing keys: RSA (RS256, what every client accepts by default) and
// P-256 (ES256), kept as private JWKs in settings so that restarts and every instance sign
// with the same keys. Rotating puts a new pair first (the provider signs with the first key
// of an algorithm) and keeps the previous pair in the JWKS, so tokens it signed still verify.
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { newId, type Deps } from '../deps.ts';

const SETTING = 'oidc_signing_keys';
/** The current pair and the one before it: enough to verify any token still alive after a rotation. */
const KEPT_GENERATIONS = 2;

export interface SigningKey extends JsonWebKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  use: 'sig';
}

function newPair(d: Pick<Deps, 'random'>): SigningKey[] {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' });
  const generation = newId(d);
  return [
    { ...rsa, kid: `rs-${generation}`, alg: 'RS256', use: 'sig' },
    { ...ec, kid: `es-${generation}`, alg: 'ES256', use: 'sig' },
  ];
}

function parseKeys(stored: string): SigningKey[] {
  const keys: unknown = JSON.parse(stored);
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k && typeof (k as SigningKey).kid === 'string')) {
    throw new TypeError(`Stored ${SETTING} is not a list of JWKs`);
  }
  return keys as SigningKey[];
}

/** The stored keys, newest first; the first start creates them (instances starting together agree: first writer wins). */
export async function loadSigningKeys(d: Pick<Deps, 'repo' | 'random'>): Promise<{ keys: SigningKey[]; stored: string }> {
  const stored = (await d.repo.getSetting(SETTING)) ?? (await d.repo.initSetting(SETTING, JSON.stringify(newPair(d))));
  return { keys: parseKeys(stored), stored };
}

/** The raw setting, for instances to notice a rotation made by another. */
export const signingKeysVersion = (d: Pick<Deps, 'repo'>): Promise<string | null> => d.repo.getSetting(SETTING);

/** A new pair first, the previous generation kept, older ones dropped. Returns the new key ids. */
export async function rotateSigningKeys(d: Pick<Deps, 'repo' | 'random'>): Promise<string[]> {
  const { keys } = await loadSigningKeys(d);
  const pair = newPair(d);
  const kept = keys.slice(0, (KEPT_GENERATIONS - 1) * pair.length);
  await d.repo.setSetting(SETTING, JSON.stringify([...pair, ...kept]));
  return pair.map((k) => k.kid);
}

/** The public halves, as the JWKS endpoint publishes them. */
export function publicJwk(k: SigningKey): JsonWebKey {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = k;
  return pub;
}
