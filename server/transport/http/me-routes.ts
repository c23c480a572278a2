// My Account: the signed-in user's Authenticator app, activations, requests and activity.
import { api } from '../../../protocol/http/index.ts';
import { createChallenge, withdrawTestRequest } from '../../domain/authenticator/challenges.ts';
import { renameDevice } from '../../domain/authenticator/devices.ts';
import { activationStatus, createActivation, noteCodeShown } from '../../domain/authenticator/enrollment.ts';
import { accountOverview, myAuthenticators, myChallengeStatus, pendingPasswordlessSetup, removeMyDevice } from '../../domain/users/my-account.ts';
import { listSignIns } from '../../domain/monitoring/signin-log.ts';
import { ownSignInTimeline } from '../../domain/monitoring/timeline.ts';
import { endOtherSessions, keepOtherSessions, otherSessions } from '../../domain/signin/other-sessions.ts';
import type { Handlers } from './mount.ts';
import { qrSvg } from './qr.ts';
import { requestContext } from './steps.ts';

export const meHandlers: Handlers<typeof api.me> = {
  me: ({ d, caller }) => accountOverview(d, caller),
  methods: ({ d, caller }) => myAuthenticators(d, caller),
  async startActivation({ d, caller }) {
    const activation = await createActivation(d, caller.session, caller.user);
    return { ...activation, qrSvg: await qrSvg(activation.uri) };
  },
  activation: ({ d, caller, params }) => activationStatus(d, caller.user, params.id),
  async codeShown({ d, caller, params }) {
    await noteCodeShown(d, caller.user, params.id, caller.actor.ip);
    return { status: 'noted' as const };
  },
  async testNotification({ d, req, caller, body }) {
    const challenge = await createChallenge(d, caller.user, 'test', requestContext(d, req), { deviceId: body.deviceId ?? null });
    return { challengeId: challenge.id, number: challenge.number, expiresAt: challenge.expiresAt };
  },
  async withdrawTestNotification({ d, caller, params }) {
    await withdrawTestRequest(d, caller.user, params.id);
    return null;
  },
  challenge: ({ d, caller, params }) => myChallengeStatus(d, caller, params.id),
  passwordlessSetup: ({ d, caller }) => pendingPasswordlessSetup(d, caller),
  renameDevice: ({ d, caller, params, body }) => renameDevice(d, caller.actor, caller.user, params.id, body.name),
  async deleteDevice({ d, caller, params }) {
    await removeMyDevice(d, caller, params.id);
    return { status: 'deleted' };
  },
  otherSessions: ({ d, caller }) => otherSessions(d, caller.session, caller.user),
  async endOtherSessions({ d, caller }) {
    return { status: 'signed_out', sessionsEnded: await endOtherSessions(d, caller.actor, caller.session, caller.user) };
  },
  async keepOtherSessions({ d, caller }) {
    await keepOtherSessions(d, caller.user);
    return { status: 'kept' };
  },
  activity: async ({ d, caller }) => ({ signIns: await listSignIns(d, { userId: caller.user.id, limit: 50 }) }),
  signInTimeline: ({ d, caller, params }) => ownSignInTimeline(d, caller.user, params.id),
};
