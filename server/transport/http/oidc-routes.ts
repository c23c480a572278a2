// What the sign-in page asks about an app's sign-in in progress.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { api } from '../../../protocol/http/index.ts';
import { describeInteraction } from '../oidc/interactions.ts';
import type { Handlers } from './mount.ts';

export const oidcHandlers: Handlers<typeof api.oidc> = {
  async interaction({ d, params }) {
    const view = await describeInteraction(d, params.uid);
    if (!view) throw new PushkeyError('not_found', 'This sign-in request has expired. Go back to the app and start again.');
    return view;
  },
};
