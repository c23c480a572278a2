// The Repository, composed of one store per noun over one engine. The stores share every
// query; the engine brings what SQLite and PostgreSQL cannot share (engine.ts). A unit of
// work composes the same stores over the engine of one transaction, building each store
// only when the work first uses it: most units touch two or three of the twenty, and
// building all of them cost more than the work itself (bench/signin-storage.bench.ts).
import type { Repository } from './repository.ts';
import type { Engine } from './engine.ts';
import { buildStore } from './prepared.ts';
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
import { protocolEventsStore } from './stores/protocol-events.ts';

const STORES = {
  settings: settingsStore,
  users: usersStore,
  nameLockouts: nameLockoutsStore,
  sessions: sessionsStore,
  flows: flowsStore,
  activations: activationsStore,
  devices: devicesStore,
  challenges: challengesStore,
  taps: tapsStore,
  audit: auditStore,
  signIns: signInsStore,
  alerts: alertsStore,
  passkeys: passkeysStore,
  webAuthnChallenges: webAuthnChallengesStore,
  phones: phonesStore,
  smsCodes: smsCodesStore,
  outbox: outboxStore,
  retention: retentionStore,
  apps: appsStore,
  oidcRecords: oidcRecordsStore,
  protocolEvents: protocolEventsStore,
} satisfies Record<string, (engine: Engine) => Partial<Repository>>;

type StoreName = keyof typeof STORES;
/** What the engine itself answers, not a store. */
type Own = 'ping' | 'atomically' | 'close';
type MethodsOf<S> = S extends unknown ? keyof S : never;
type Unstored = Exclude<keyof Repository, Own | MethodsOf<ReturnType<(typeof STORES)[StoreName]>>>;
// Every method of the Repository has a store: the casts below rely on it.
const everyMethodStored: [Unstored] extends [never] ? true : { unstored: Unstored } = true;
void everyMethodStored;

const build = (name: StoreName, engine: Engine) => buildStore(name, () => STORES[name](engine));

export function composeRepository(engine: Engine): Repository {
  const owners = new Map<string, StoreName>();
  const methods: Partial<Repository> = {};
  for (const name of Object.keys(STORES) as StoreName[]) {
    const store = build(name, engine);
    for (const method of Object.keys(store)) owners.set(method, name);
    Object.assign(methods, store);
  }
  return {
    ...(methods as Omit<Repository, Own>),
    ping: () => engine.ping(),
    atomically: (fn, opts) => engine.transaction(opts?.exclusive ?? [], (tx) => fn(transactionRepository(tx, owners))),
    close: () => engine.close(),
  };
}

/** The stores over one transaction's engine, each built on first use (`owners`: which store has each method). */
function transactionRepository(tx: Engine, owners: ReadonlyMap<string, StoreName>): Repository {
  const built: Partial<Repository> = {
    ping: () => tx.ping(),
    // A transaction's engine joins itself (transactionEngine): the stores built so far serve the inner work too.
    atomically: (fn, opts) => tx.transaction(opts?.exclusive ?? [], () => fn(repo)),
    close: () => tx.close(),
  };
  const ensure = (prop: string | symbol) => {
    if (typeof prop !== 'string' || Object.hasOwn(built, prop)) return;
    const owner = owners.get(prop);
    if (owner) Object.assign(built, build(owner, tx));
  };
  const repo = new Proxy(built, {
    get(target, prop) {
      ensure(prop);
      return Reflect.get(target, prop) as unknown;
    },
    has: (target, prop) => (typeof prop === 'string' && owners.has(prop)) || Reflect.has(target, prop),
  }) as Repository;
  return repo;
}
