// The admin API's users. Roles are the route's (protocol/http/admin.ts); whom a caller may
// manage is checked by the domain functions (domain/admin/admin.ts).
import { api } from '../../../protocol/http/index.ts';
import {
  assertMayManageUser,
  deletePasskeyOf,
  deleteTapOf,
  issueTapFor,
  removePhoneOf,
  resetPassword,
  revokeDeviceOf,
  searchUsers,
  updateUser,
  userMethods,
  userSignInMethods,
} from '../../domain/admin/admin.ts';
import { createUser, publicUser, requireUser } from '../../domain/users/users.ts';
import { whatIf } from '../../domain/policies/what-if.ts';
import type { Handlers } from './mount.ts';

export const adminHandlers: Handlers<typeof api.admin> = {
  users: async ({ d, query }) => ({ users: await searchUsers(d, { search: query.q, limit: query.limit, offset: query.offset }) }),
  createUser: async ({ d, caller, body }) => publicUser(await createUser(d, caller.actor, body)),
  user: async ({ d, params }) => publicUser(await requireUser(d, params.id)),
  updateUser: ({ d, caller, params, body }) => updateUser(d, caller, params.id, body),
  resetPassword: {
    authorize: ({ d, caller, params }) => assertMayManageUser(d, caller, params.id),
    async handle({ d, caller, params, body }) {
      await resetPassword(d, caller, params.id, body.password);
      return { status: 'reset' };
    },
  },
  methods: ({ d, params }) => userMethods(d, params.id),
  issueTap: {
    authorize: ({ d, caller, params }) => assertMayManageUser(d, caller, params.id),
    handle: ({ d, caller, params, body }) => issueTapFor(d, caller, params.id, body),
  },
  async deleteTap({ d, caller, params }) {
    await deleteTapOf(d, caller, params.id);
    return { status: 'deleted' };
  },
  async revokeDevice({ d, caller, params }) {
    await revokeDeviceOf(d, caller, params.id);
    return { status: 'revoked' };
  },
  signInMethods: ({ d, params }) => userSignInMethods(d, params.id),
  async deletePasskey({ d, caller, params }) {
    await deletePasskeyOf(d, caller, params.id, params.passkeyId);
    return { status: 'deleted' };
  },
  whatIf: ({ d, params, query }) => whatIf(d, params.id, query.acr ?? null),
  async deletePhone({ d, caller, params }) {
    await removePhoneOf(d, caller, params.id);
    return { status: 'deleted' };
  },
};
