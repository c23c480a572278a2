// The Repository, composed of one store per noun over one engine. The stores share every
// query; the engine brings what SQLite and PostgreSQL cannot share (engine.ts). A unit of
// work composes the same stores over the engine of one transaction.
import type { Repository } from './repository.ts';
import type { Engine } from './engine.ts';
import { settingsStore } from './stores/settings.ts';
import { usersStore } from './stores/users.ts';
import { nameLockoutsStore } from './stores/name-lockouts.ts';
import { sessionsStore } from './stores/sessions.ts';
import { flowsStore } from './stores/flows.ts';
import { activationsStore } from './stores/activations.ts';
import { devicesStore } from './stores/devices.ts';
import { challengesStore } from './stores/challenges.ts';
import { tapsStore } from './stores/taps.ts';
import { auditStore } from './stores/audit.ts';
import { signInsStore } from './stores/sign-ins.ts';
import { alertsStore } from './stores/alerts.ts';
import { passkeysStore } from './stores/passkeys.ts';
import { webAuthnChallengesStore } from './stores/webauthn-challenges.ts';
import { phonesStore } from './stores/phones.ts';
import { smsCodesStore } from './stores/sms-codes.ts';
import { outboxStore } from './stores/outbox.ts';
import { retentionStore } from './stores/retention.ts';
import { appsStore } from './stores/apps.ts';
import { oidcRecordsStore } from './stores/oidc-records.ts';

export function composeRepository(engine: Engine): Repository {
  return {
    ...settingsStore(engine),
    ...usersStore(engine),
    ...nameLockoutsStore(engine),
    ...sessionsStore(engine),
    ...flowsStore(engine),
    ...activationsStore(engine),
    ...devicesStore(engine),
    ...challengesStore(engine),
    ...tapsStore(engine),
    ...auditStore(engine),
    ...signInsStore(engine),
    ...alertsStore(engine),
    ...passkeysStore(engine),
    ...webAuthnChallengesStore(engine),
    ...phonesStore(engine),
    ...smsCodesStore(engine),
    ...outboxStore(engine),
    ...retentionStore(engine),
    ...appsStore(engine),
    ...oidcRecordsStore(engine),
    ping: () => engine.ping(),
    atomically: (fn, opts) => engine.transaction(opts?.exclusive ?? [], (tx) => fn(composeRepository(tx))),
    close: () => engine.close(),
  };
}
