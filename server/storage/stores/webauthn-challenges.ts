// WebAuthn ceremonies' challenges: single use, short-lived.
import type { WebAuthnChallenge } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { num, numOrNull, oneOf, str, strOrNull, type Row } from './parse.ts';

const purpose = oneOf<WebAuthnChallenge['purpose']>({ register: true, authenticate: true });

const toWebAuthnChallenge = (r: Row): WebAuthnChallenge => ({
  id: str(r.id),
  userId: strOrNull(r.user_id),
  flowId: strOrNull(r.flow_id),
  purpose: purpose(r.purpose, 'webauthn_challenges.purpose'),
  challenge: str(r.challenge),
  createdAt: num(r.created_at, 'webauthn_challenges.created_at'),
  expiresAt: num(r.expires_at, 'webauthn_challenges.expires_at'),
  usedAt: numOrNull(r.used_at, 'webauthn_challenges.used_at'),
});

export function webAuthnChallengesStore(engine: Engine): Pick<Repository, 'createWebAuthnChallenge' | 'consumeWebAuthnChallenge'> {
  return {
    async createWebAuthnChallenge(c) {
      await engine.db
        .insertInto('webauthn_challenges')
        .values({ id: c.id, user_id: c.userId, flow_id: c.flowId, purpose: c.purpose, challenge: c.challenge, created_at: c.createdAt, expires_at: c.expiresAt, used_at: c.usedAt })
        .execute();
    },
    async consumeWebAuthnChallenge(id, now) {
      const r = await engine.db
        .updateTable('webauthn_challenges')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return r ? toWebAuthnChallenge(r) : null;
    },
  };
}
