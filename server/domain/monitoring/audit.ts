// The audit log: who changed what, with the state before and after. Never holds a secret.
import type { AuditAction } from '../../../protocol/audit-actions.ts';
import { newId, type Deps } from '../deps.ts';
import type { User } from '../types.ts';

export interface Actor {
  id: string | null;
  upn: string;
  ip: string;
}

/** The system itself (seed, expiry sweeps) or a device acting for its user. */
export const systemActor: Actor = { id: null, upn: 'system', ip: '' };
export const actorOf = (user: Pick<User, 'id' | 'upn'>, ip: string): Actor => ({ id: user.id, upn: user.upn, ip });

export async function audit(
  d: Deps,
  actor: Actor,
  /** One of the identifiers the portal has words for (protocol/audit-actions.ts). */
  action: AuditAction,
  target: { type: string; id: string },
  before: unknown = null,
  after: unknown = null,
  correlationId: string | null = null,
): Promise<void> {
  await d.repo.appendAudit({
    id: newId(d),
    at: d.clock.now(),
    actorId: actor.id,
    actorUpn: actor.upn,
    action,
    targetType: target.type,
    targetId: target.id,
    before,
    after,
    ip: actor.ip,
    correlationId,
  });
}
