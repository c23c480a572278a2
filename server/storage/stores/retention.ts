// Retention: old log entries and spent transient rows go, in one transaction.
import type { DeleteResult } from 'kysely';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';

const count = (r: DeleteResult): number => Number(r.numDeletedRows);

export function retentionStore(engine: Engine): Pick<Repository, 'purge'> {
  return {
    purge(cutoff, now) {
      return engine.transaction([], async ({ db: trx }) => {
        const older = async (table: 'signins' | 'protocol_events' | 'audit' | 'alerts' | 'outbox', before: number) => count(await trx.deleteFrom(table).where('at', '<', before).executeTakeFirstOrThrow());
        const expired = async (table: 'flows' | 'challenges' | 'activations' | 'webauthn_challenges' | 'sms_codes' | 'oidc_records', before: number) =>
          count(await trx.deleteFrom(table).where('expires_at', '<', before).executeTakeFirstOrThrow());
        // A sign-in's protocol trace goes with the log entries of its age.
        await older('protocol_events', cutoff);
        return {
          signIns: await older('signins', cutoff),
          audit: await older('audit', cutoff),
          alerts: await older('alerts', cutoff),
          transient:
            (await expired('flows', now)) +
            (await expired('challenges', cutoff)) +
            (await expired('activations', now)) +
            count(await trx.deleteFrom('sessions').where('last_seen_at', '<', cutoff).executeTakeFirstOrThrow()) +
            // Spent ceremonies and codes (codes kept past expiry as long as the send limit looks back), old lab messages.
            (await expired('webauthn_challenges', now)) +
            (await expired('sms_codes', cutoff)) +
            (await older('outbox', cutoff)) +
            // The OpenID provider's records live until their own expiry (a refresh token's is weeks).
            (await expired('oidc_records', now)),
        };
      });
    },
  };
}
