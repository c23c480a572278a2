// My Account's other methods: passkeys, the phone for SMS, and the default method.
import { api } from '../../../protocol/http/index.ts';
import { setDefaultMethod } from '../../domain/signin/method-order.ts';
import { mySignInMethods, removeMyPasskey, removeMyPhone } from '../../domain/users/my-account.ts';
import { finishPasskeyRegistration, renamePasskey, startPasskeyRegistration } from '../../domain/methods/passkeys.ts';
import { addPhone, verifyPhone } from '../../domain/methods/sms.ts';
import type { Handlers } from './mount.ts';

export const methodsHandlers: Handlers<typeof api.methods> = {
  signInMethods: ({ d, caller }) => mySignInMethods(d, caller),
  passkeyOptions: ({ d, caller }) => startPasskeyRegistration(d, caller.session, caller.user),
  addPasskey: ({ d, caller, body }) => finishPasskeyRegistration(d, caller.session, caller.user, body, caller.actor.ip),
  renamePasskey: ({ d, caller, params, body }) => renamePasskey(d, caller.actor, caller.user, params.id, body.name),
  async deletePasskey({ d, caller, params }) {
    await removeMyPasskey(d, caller, params.id);
    return { status: 'deleted' };
  },
  // Each one texts a code: limited per address by the route, per user and number in sms.ts.
  addPhone: ({ d, caller, body }) => addPhone(d, caller.session, caller.user, body.number),
  verifyPhone: ({ d, caller, body }) => verifyPhone(d, caller.session, caller.user, body.codeId, body.code, caller.actor.ip),
  async deletePhone({ d, caller }) {
    await removeMyPhone(d, caller);
    return { status: 'deleted' };
  },
  async setDefaultMethod({ d, caller, body }) {
    await setDefaultMethod(d, caller.actor, caller.user, body.method);
    return { defaultMethod: body.method };
  },
};
