// Routes for the methods a tenant falls back to: passkeys and the phone in My
// Account, passkey and SMS steps at sign-in, and their policies and the lab outbox in the
// admin API. Thin: parse with valibot, call one domain function, answer.
import { Router, type Request, type Response } from 'express';
import * as v from 'valibot';
import { Id, Label } from '../../../protocol/fields.ts';
import { parseWith } from '../../../protocol/parse.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { audit } from '../../domain/audit.ts';
import {
  getPasskeyPolicy,
  getRegistrationPolicy,
  getSmsPolicy,
  PasskeyPolicy,
  RegistrationPolicy,
  setPasskeyPolicy,
  setRegistrationPolicy,
  setSmsPolicy,
  SmsPolicy,
} from '../../domain/method-policy.ts';
import { DefaultMethod, getDefaultMethod, setDefaultMethod, usableMethods } from '../../domain/method-order.ts';
import { deletePasskey, finishPasskeyRegistration, passkeyRights, passkeyView, renamePasskey, startPasskeyRegistration } from '../../domain/passkeys.ts';
import { assertMayRegister, registrationRefusal } from '../../domain/registration.ts';
import { passkeyOptions, sendSmsCode, signInWithPasskey, signInWithSms } from '../../domain/signin-methods.ts';
import type { StepResult } from '../../domain/signin.ts';
import { addPhone, PhoneNumber, phoneView, removePhone, SmsCodeInput, smsRights, verifyPhone } from '../../domain/sms.ts';
import { requireUser } from '../../domain/users.ts';
import { AuthenticationResponse, RegistrationResponse } from '../../domain/webauthn.ts';
import { assertMayManage, caller, callerWithRole, hasRole, mayManage } from './auth.ts';
import { clientIp } from './client-info.ts';
import { FLOW_COOKIE, readCookie, setFlowCookie } from './cookies.ts';
import type { HttpDeps } from './http-deps.ts';
import { answerStep, requestContext } from './steps.ts';

const IdParam = v.object({ id: Id });
const PasskeyName = v.pipe(Label(64), v.trim(), v.minLength(1, 'a passkey name is required'));
const FinishPasskey = v.object({ ceremonyId: Id, name: PasskeyName, response: RegistrationResponse });
const Rename = v.object({ name: PasskeyName });
const AddPhone = v.object({ number: PhoneNumber });
const VerifyPhone = v.object({ codeId: Id, code: SmsCodeInput });
const SetDefault = v.object({ method: DefaultMethod });
const PasskeyOptions = v.object({ flowId: v.optional(Id) });
const PasskeySignIn = v.object({ flowId: Id, ceremonyId: Id, response: AuthenticationResponse });
const FlowOnly = v.object({ flowId: Id });
const SmsSignIn = v.object({ flowId: Id, codeId: Id, code: SmsCodeInput });
const OutboxQuery = v.object({
  channel: v.optional(v.picklist(['sms', 'email'])),
  to: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(254))),
});

/** My Account: passkeys, the phone, the default method. */
export function methodsMeRoutes(d: HttpDeps): Router {
  const r = Router();

  r.get('/sign-in-methods', async (req, res) => {
    const c = await caller(d, req);
    const phone = await d.repo.getUserPhone(c.user.id);
    const [pk, sms, usable] = await Promise.all([passkeyRights(d, c.user), smsRights(d, c.user), usableMethods(d, c.user)]);
    res.json({
      passkeys: (await d.repo.listUserPasskeys(c.user.id)).map(passkeyView),
      phone: phone ? phoneView(phone) : null,
      rights: { passkey: pk.register, sms: sms.register },
      defaultMethod: (await getDefaultMethod(d, c.user.id)) ?? null,
      usable: [...usable],
      /** Why this session may not add a method (registration protection), or null. */
      registrationRefusal: await registrationRefusal(d, c.session, c.user),
    });
  });

  r.post('/passkeys/options', async (req, res) => {
    const c = await caller(d, req);
    res.json(await startPasskeyRegistration(d, c.session, c.user));
  });
  r.post('/passkeys', async (req, res) => {
    const c = await caller(d, req);
    const body = parseWith(FinishPasskey, req.body, 'passkey registration');
    res.status(201).json(await finishPasskeyRegistration(d, c.session, c.user, body, c.actor.ip));
  });
  r.patch('/passkeys/:id', async (req, res) => {
    const c = await caller(d, req);
    const id = parseWith(IdParam, req.params, 'passkey').id;
    res.json(await renamePasskey(d, c.actor, c.user, id, parseWith(Rename, req.body, 'passkey').name));
  });
  r.delete('/passkeys/:id', async (req, res) => {
    const c = await caller(d, req);
    await assertMayRegister(d, c.session, c.user, 'remove');
    await deletePasskey(d, c.actor, c.user, parseWith(IdParam, req.params, 'passkey').id);
    res.json({ status: 'deleted' });
  });

  r.post('/phone', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req)); // each one texts a code: per user and number too (sms.ts)
    const c = await caller(d, req);
    const body = parseWith(AddPhone, req.body, 'phone number');
    res.json(await addPhone(d, c.session, c.user, body.number));
  });
  r.post('/phone/verify', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const c = await caller(d, req);
    const body = parseWith(VerifyPhone, req.body, 'verification code');
    res.json(await verifyPhone(d, c.session, c.user, body.codeId, body.code, c.actor.ip));
  });
  r.delete('/phone', async (req, res) => {
    const c = await caller(d, req);
    // An unverified number was never a method: taking it back needs nothing more.
    if ((await d.repo.getUserPhone(c.user.id))?.verifiedAt) await assertMayRegister(d, c.session, c.user, 'remove');
    await removePhone(d, c.actor, c.user);
    res.json({ status: 'deleted' });
  });

  r.put('/default-method', async (req, res) => {
    const c = await caller(d, req);
    const body = parseWith(SetDefault, req.body, 'default method');
    await setDefaultMethod(d, c.actor, c.user, body.method);
    res.json({ defaultMethod: body.method });
  });
  return r;
}

/** Sign-in: passkey and SMS steps of a flow. */
export function methodsSignInRoutes(d: HttpDeps): Router {
  const r = Router();
  const ctx = (req: Request) => requestContext(d, req);
  const answer = (res: Response, result: StepResult) => answerStep(d, res, result);

  r.post('/passkey/options', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(PasskeyOptions, req.body ?? {}, 'passkey sign-in');
    const started = await passkeyOptions(d, body.flowId, readCookie(req, FLOW_COOKIE), ctx(req));
    if (started.secret) setFlowCookie(res, d.secureCookies, started.secret, d.limits.flowLifetimeMs);
    res.json({ flowId: started.flowId, ceremonyId: started.ceremonyId, options: started.options });
  });
  r.post('/passkey', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(PasskeySignIn, req.body, 'passkey sign-in');
    answer(res, await signInWithPasskey(d, body.flowId, readCookie(req, FLOW_COOKIE), body.ceremonyId, body.response));
  });
  r.post('/sms/send', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(FlowOnly, req.body, 'SMS sign-in');
    res.json(await sendSmsCode(d, body.flowId, readCookie(req, FLOW_COOKIE)));
  });
  r.post('/sms', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(SmsSignIn, req.body, 'SMS sign-in');
    answer(res, await signInWithSms(d, body.flowId, readCookie(req, FLOW_COOKIE), body.codeId, body.code));
  });
  return r;
}

/** Admin: the three policies, a user's passkeys and phone, and the lab outbox. */
export function methodsAdminRoutes(d: HttpDeps): Router {
  const r = Router();
  const policies = [
    { name: 'passkey', action: 'policy.passkey.updated', label: 'Passkey (FIDO2) policy', schema: PasskeyPolicy, get: getPasskeyPolicy, set: setPasskeyPolicy },
    { name: 'sms', action: 'policy.sms.updated', label: 'SMS policy', schema: SmsPolicy, get: getSmsPolicy, set: setSmsPolicy },
    { name: 'registration', action: 'policy.registration.updated', label: 'registration protection', schema: RegistrationPolicy, get: getRegistrationPolicy, set: setRegistrationPolicy },
  ] as const;
  for (const p of policies) {
    r.get(`/policies/${p.name}`, async (req, res) => {
      await callerWithRole(d, req, 'policy_admin', 'helpdesk');
      res.json(await p.get(d.repo));
    });
    r.put(`/policies/${p.name}`, async (req, res) => {
      const c = await callerWithRole(d, req, 'policy_admin');
      const next = parseWith(p.schema, req.body, p.label);
      const before = await p.get(d.repo);
      await (p.set as (repo: typeof d.repo, value: typeof next) => Promise<void>)(d.repo, next);
      await audit(d, c.actor, p.action, { type: 'policy', id: p.name }, before, next);
      res.json(next);
    });
  }

  r.get('/users/:id/sign-in-methods', async (req, res) => {
    await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    const phone = await d.repo.getUserPhone(user.id);
    res.json({ passkeys: (await d.repo.listUserPasskeys(user.id)).map(passkeyView), phone: phone ? phoneView(phone) : null, defaultMethod: await getDefaultMethod(d, user.id) });
  });
  r.delete('/users/:id/passkeys/:passkeyId', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, { id: req.params.id }, 'user').id);
    assertMayManage(c, user);
    await deletePasskey(d, c.actor, user, parseWith(v.object({ passkeyId: Id }), req.params, 'passkey').passkeyId);
    res.json({ status: 'deleted' });
  });
  r.delete('/users/:id/phone', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    assertMayManage(c, user);
    await removePhone(d, c.actor, user);
    res.json({ status: 'deleted' });
  });

  /**
   * The lab outbox: what the lab SMS provider "sent" and the email notices. Admins and
   * instructors (helpdesk) read it, each only the messages of users they may manage: a texted
   * code read by the helpdesk would otherwise sign it in as an administrator.
   */
  r.get('/outbox', async (req, res) => {
    const c = await callerWithRole(d, req, 'global_admin', 'helpdesk');
    const q = parseWith(OutboxQuery, req.query, 'outbox query');
    if (q.to && q.channel === 'sms' && !/^\+[1-9]\d{7,14}$/.test(q.to)) throw new PushkeyError('bad_request', `"${q.to}" is not a phone number in international form`);
    const messages = await d.repo.listOutbox({ ...q, limit: 200 });
    if (hasRole(c.user, 'global_admin')) return void res.json({ messages });
    // The helpdesk: only messages to a known user it may manage.
    const readable = new Set<string>();
    for (const id of new Set(messages.flatMap((m) => (m.userId ? [m.userId] : [])))) {
      const user = await d.repo.getUser(id);
      if (user && mayManage(c, user)) readable.add(id);
    }
    res.json({ messages: messages.filter((m) => m.userId !== null && readable.has(m.userId)) });
  });
  return r;
}
