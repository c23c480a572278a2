// My Account: the signed-in user's own methods, activations and activity.
import { Router } from 'express';
import * as v from 'valibot';
import { PushkeyError } from '../../../protocol/errors.ts';
import { DeviceName, Id } from '../../../protocol/fields.ts';
import { parseWith } from '../../../protocol/parse.ts';
import { createChallenge, effectiveStatus, withdrawTestRequest } from '../../domain/challenges.ts';
import { deviceView, renameDevice, revokeDevice } from '../../domain/devices.ts';
import { activationStatus, createActivation, tenantName } from '../../domain/enrollment.ts';
import { authenticatorRights, getAuthenticatorPolicy } from '../../domain/policy.ts';
import { listSignIns } from '../../domain/signin-log.ts';
import { tapView } from '../../domain/tap.ts';
import { publicUser } from '../../domain/users.ts';
import { assertMayRegister } from '../../domain/registration.ts';
import { caller } from './auth.ts';
import type { HttpDeps } from './http-deps.ts';
import { requestContext } from './steps.ts';
import { qrSvg } from './qr.ts';

const IdParam = v.object({ id: Id });
const TestBody = v.object({ deviceId: v.optional(Id) });
const Rename = v.object({ name: DeviceName });

export function meRoutes(d: HttpDeps): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    const c = await caller(d, req);
    res.json({
      user: publicUser(c.user),
      tenant: await tenantName(d),
      session: { createdAt: c.session.createdAt, methods: c.session.methods },
    });
  });

  r.get('/methods', async (req, res) => {
    const c = await caller(d, req);
    const devices = await d.repo.listUserDevices(c.user.id);
    const policy = await getAuthenticatorPolicy(d.repo);
    const tap = await d.repo.getUserTap(c.user.id);
    res.json({
      devices: devices.filter((x) => x.revokedAt === null).map(deviceView),
      rights: authenticatorRights(policy, c.user, devices),
      tap: tap ? tapView(tap, d.clock.now()) : null,
    });
  });

  r.post('/authenticator/activation', async (req, res) => {
    const c = await caller(d, req);
    await assertMayRegister(d, c.session, c.user);
    const activation = await createActivation(d, c.user);
    res.json({ ...activation, qrSvg: await qrSvg(activation.uri) });
  });

  r.get('/authenticator/activation/:id', async (req, res) => {
    const c = await caller(d, req);
    res.json(await activationStatus(d, c.user, parseWith(IdParam, req.params, 'activation').id));
  });

  /** "Let's try it out": a test notification with a number to type. */
  r.post('/authenticator/test', async (req, res) => {
    const c = await caller(d, req);
    const body = parseWith(TestBody, req.body ?? {}, 'test notification');
    const challenge = await createChallenge(d, c.user, 'test', requestContext(d, req), { deviceId: body.deviceId ?? null });
    res.json({ challengeId: challenge.id, number: challenge.number, expiresAt: challenge.expiresAt });
  });

  /** Leaving "Let's try it out" unanswered ends the test notification on the devices too. */
  r.delete('/authenticator/test/:id', async (req, res) => {
    const c = await caller(d, req);
    await withdrawTestRequest(d, c.user, parseWith(IdParam, req.params, 'test notification').id);
    res.status(204).end();
  });

  r.get('/challenges/:id', async (req, res) => {
    const c = await caller(d, req);
    const challenge = await d.repo.getChallenge(parseWith(IdParam, req.params, 'request').id);
    if (!challenge || challenge.userId !== c.user.id) throw new PushkeyError('not_found', 'No such request.');
    res.json({ challengeId: challenge.id, status: effectiveStatus(challenge, d.clock.now()) });
  });

  /** The number for the extension's "Set up passwordless sign-in", shown to the signed-in user. */
  r.get('/passwordless-setup', async (req, res) => {
    const c = await caller(d, req);
    const now = d.clock.now();
    const devices = await d.repo.listUserDevices(c.user.id);
    const pending = (await Promise.all(devices.map((dev) => d.repo.listPendingForDevice(dev, now))))
      .flat()
      .filter((x) => x.kind === 'passwordless_setup')
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    const device = pending && devices.find((x) => x.id === pending.deviceId);
    res.json({ pending: pending ? { challengeId: pending.id, number: pending.number, expiresAt: pending.expiresAt, deviceName: device?.name ?? '' } : null });
  });

  r.patch('/devices/:id', async (req, res) => {
    const c = await caller(d, req);
    const id = parseWith(IdParam, req.params, 'device').id;
    res.json(await renameDevice(d, c.actor, c.user, id, parseWith(Rename, req.body, 'device').name));
  });

  r.delete('/devices/:id', async (req, res) => {
    const c = await caller(d, req);
    const id = parseWith(IdParam, req.params, 'device').id;
    const device = await d.repo.getDevice(id);
    if (!device || device.userId !== c.user.id) throw new PushkeyError('not_found', 'No such authenticator.');
    if (device.revokedAt === null) await assertMayRegister(d, c.session, c.user, 'remove');
    await revokeDevice(d, c.actor, id);
    res.json({ status: 'deleted' });
  });

  r.get('/activity', async (req, res) => {
    const c = await caller(d, req);
    res.json({ signIns: await listSignIns(d, { userId: c.user.id, limit: 50 }) });
  });
  return r;
}
