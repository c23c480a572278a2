// Sign-in flows: one browser's attempt, bound to it by a secret cookie.
import type { Insertable, Updateable } from 'kysely';
import type { Flow, FlowState } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';
import type { FlowsTable } from '../schema.ts';
import { isEmptyPatch } from './users.ts';
import { num, numOrNull, oneOf, str, stringList, strOrNull, type Row } from './parse.ts';

const flowState = oneOf<FlowState>({ identified: true, awaiting_push: true, completed: true, failed: true });

const toFlow = (r: Row): Flow => ({
  id: str(r.id),
  secretHash: str(r.secret_hash),
  userId: strOrNull(r.user_id),
  upn: str(r.upn),
  state: flowState(r.state, 'flows.state'),
  createdAt: num(r.created_at, 'flows.created_at'),
  expiresAt: num(r.expires_at, 'flows.expires_at'),
  challengeId: strOrNull(r.challenge_id),
  methods: stringList(r.methods_json, 'flows.methods_json'),
  completedAt: numOrNull(r.completed_at, 'flows.completed_at'),
  ip: str(r.ip),
  browser: str(r.browser),
  app: str(r.app),
  requiredAcr: strOrNull(r.required_acr),
});

const flowPatch = (p: Partial<Omit<Flow, 'id'>>): Updateable<FlowsTable> => ({
  secret_hash: p.secretHash,
  user_id: p.userId,
  upn: p.upn,
  state: p.state,
  created_at: p.createdAt,
  expires_at: p.expiresAt,
  challenge_id: p.challengeId,
  methods_json: p.methods && JSON.stringify(p.methods),
  completed_at: p.completedAt,
  ip: p.ip,
  browser: p.browser,
  app: p.app,
  required_acr: p.requiredAcr,
});

export function flowsStore(engine: Engine): Pick<Repository, 'createFlow' | 'getFlow' | 'updateFlow' | 'completeFlow'> {
  // Every query here is on the sign-in path.
  const insert = prepared(engine, (row: Insertable<FlowsTable>) => engine.db.insertInto('flows').values(row));
  const byId = prepared(engine, (id: string) => engine.db.selectFrom('flows').selectAll().where('id', '=', id));
  const update = prepared(engine, (id: string, set: Updateable<FlowsTable>) => engine.db.updateTable('flows').set(set).where('id', '=', id));
  const complete = prepared(engine, (id: string, at: number) =>
    engine.db.updateTable('flows').set({ completed_at: at, state: 'completed' }).where('id', '=', id).where('completed_at', 'is', null),
  );
  return {
    async createFlow(f) {
      await insert.changes({
        id: f.id,
        secret_hash: f.secretHash,
        user_id: f.userId,
        upn: f.upn,
        state: f.state,
        created_at: f.createdAt,
        expires_at: f.expiresAt,
        challenge_id: f.challengeId,
        methods_json: JSON.stringify(f.methods),
        completed_at: f.completedAt,
        ip: f.ip,
        browser: f.browser,
        app: f.app,
        required_acr: f.requiredAcr,
      });
    },
    async getFlow(id) {
      const r = await byId.first(id);
      return r ? toFlow(r) : null;
    },
    async updateFlow(id, patch) {
      const set = flowPatch(patch);
      if (isEmptyPatch(set)) return;
      await update.changes(id, set);
    },
    async completeFlow(id, at) {
      return (await complete.changes(id, at)) === 1;
    },
  };
}
