// The admin API. Every permission is enforced here, whatever the portal shows:
// policy_admin edits policies; helpdesk issues passes and revokes devices; global_admin all.
import { Router } from 'express';
import * as v from 'valibot';
import { Id, Label } from '../../../protocol/fields.ts';
import { parseWith } from '../../../protocol/parse.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { audit } from '../../domain/audit.ts';
import { deviceView, revokeDevice } from '../../domain/devices.ts';
import { endAllSessions } from '../../domain/sessions.ts';
import { hashPassword } from '../../domain/passwords.ts';
import {
  AuthenticatorPolicy,
  getAuthenticatorPolicy,
  getTapPolicy,
  setAuthenticatorPolicy,
  setTapPolicy,
  TapPolicy,
} from '../../domain/policy.ts';
import { deleteTap, IssueTap, issueTap, tapView } from '../../domain/tap.ts';
import { ROLES } from '../../domain/types.ts';
import { createUser, NewPassword, NewUser, publicUser, requireUser } from '../../domain/users.ts';
import { callerWithRole } from './auth.ts';
import type { HttpDeps } from './http-deps.ts';

const IdParam = v.object({ id: Id });
const ListQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.maxLength(100)), ''),
  limit: v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(500)), '100'),
  offset: v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(0)), '0'),
});
const UserPatch = v.object({
  displayName: v.optional(v.pipe(Label(128), v.trim(), v.minLength(1))),
  groups: v.optional(v.pipe(v.array(v.pipe(Label(64), v.minLength(1))), v.maxLength(50))),
  roles: v.optional(v.array(v.picklist(ROLES))),
  disabled: v.optional(v.boolean()),
  /** Clears a lockout. */
  unlock: v.optional(v.boolean()),
});
const PasswordReset = v.object({ password: NewPassword });

export function adminRoutes(d: HttpDeps): Router {
  const r = Router();

  r.get('/policies/authenticator', async (req, res) => {
    await callerWithRole(d, req, 'policy_admin', 'helpdesk');
    res.json(await getAuthenticatorPolicy(d.repo));
  });
  r.put('/policies/authenticator', async (req, res) => {
    const c = await callerWithRole(d, req, 'policy_admin');
    const next = parseWith(AuthenticatorPolicy, req.body, 'Authenticator policy');
    const before = await getAuthenticatorPolicy(d.repo);
    await setAuthenticatorPolicy(d.repo, next);
    await audit(d, c.actor, 'policy.authenticator.updated', { type: 'policy', id: 'authenticator' }, before, next);
    res.json(next);
  });
  r.get('/policies/tap', async (req, res) => {
    await callerWithRole(d, req, 'policy_admin', 'helpdesk');
    res.json(await getTapPolicy(d.repo));
  });
  r.put('/policies/tap', async (req, res) => {
    const c = await callerWithRole(d, req, 'policy_admin');
    const next = parseWith(TapPolicy, req.body, 'Temporary Access Pass policy');
    const before = await getTapPolicy(d.repo);
    await setTapPolicy(d.repo, next);
    await audit(d, c.actor, 'policy.tap.updated', { type: 'policy', id: 'tap' }, before, next);
    res.json(next);
  });

  r.get('/users', async (req, res) => {
    await callerWithRole(d, req, 'helpdesk', 'policy_admin');
    const q = parseWith(ListQuery, req.query, 'user search');
    res.json({ users: (await d.repo.listUsers({ search: q.q, limit: q.limit, offset: q.offset })).map(publicUser) });
  });
  r.post('/users', async (req, res) => {
    const c = await callerWithRole(d, req, 'global_admin');
    res.status(201).json(publicUser(await createUser(d, c.actor, parseWith(NewUser, req.body, 'new user'))));
  });
  r.get('/users/:id', async (req, res) => {
    await callerWithRole(d, req, 'helpdesk', 'policy_admin');
    res.json(publicUser(await requireUser(d, parseWith(IdParam, req.params, 'user').id)));
  });
  r.patch('/users/:id', async (req, res) => {
    const c = await callerWithRole(d, req, 'global_admin');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    const patch = parseWith(UserPatch, req.body, 'user change');
    if (patch.roles && !patch.roles.includes('user')) patch.roles = ['user', ...patch.roles];
    if (user.id === c.user.id && (patch.disabled || (patch.roles && !patch.roles.includes('global_admin')))) {
      throw new PushkeyError('conflict', 'You cannot disable yourself or remove your own global admin role.');
    }
    const { unlock, ...fields } = patch;
    await d.repo.updateUser(user.id, { ...fields, ...(unlock ? { lockedUntil: 0, passwordFailures: 0, pushFailures: 0 } : {}) });
    if (patch.disabled) await endAllSessions(d, user.id);
    const after = await requireUser(d, user.id);
    await audit(d, c.actor, 'user.updated', { type: 'user', id: user.id }, publicUser(user), publicUser(after));
    res.json(publicUser(after));
  });
  r.post('/users/:id/password', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    const { password } = parseWith(PasswordReset, req.body, 'password reset');
    await d.repo.updateUser(user.id, { passwordHash: await hashPassword(password), passwordFailures: 0, lockedUntil: 0 });
    await endAllSessions(d, user.id);
    await audit(d, c.actor, 'user.password_reset', { type: 'user', id: user.id });
    res.json({ status: 'reset' });
  });

  r.get('/users/:id/methods', async (req, res) => {
    await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    const tap = await d.repo.getUserTap(user.id);
    res.json({
      devices: (await d.repo.listUserDevices(user.id)).map(deviceView),
      tap: tap ? tapView(tap, d.clock.now()) : null,
    });
  });
  r.post('/users/:id/tap', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    res.status(201).json(await issueTap(d, c.actor, user, parseWith(IssueTap, req.body ?? {}, 'Temporary Access Pass')));
  });
  r.delete('/users/:id/tap', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    await deleteTap(d, c.actor, await requireUser(d, parseWith(IdParam, req.params, 'user').id));
    res.json({ status: 'deleted' });
  });
  r.delete('/devices/:id', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    await revokeDevice(d, c.actor, parseWith(IdParam, req.params, 'device').id);
    res.json({ status: 'revoked' });
  });

  r.get('/audit', async (req, res) => {
    await callerWithRole(d, req, 'global_admin', 'policy_admin', 'helpdesk');
    res.json({ entries: await d.repo.listAudit({ limit: 200 }) });
  });
  r.get('/signins', async (req, res) => {
    await callerWithRole(d, req, 'global_admin', 'policy_admin', 'helpdesk');
    res.json({ entries: await d.repo.listSignIns({ limit: 200 }) });
  });
  r.get('/alerts', async (req, res) => {
    await callerWithRole(d, req, 'global_admin', 'policy_admin', 'helpdesk');
    res.json({ alerts: await d.repo.listAlerts(200) });
  });
  return r;
}
