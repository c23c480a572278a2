// The Repository, composed of one store per noun over one engine. The stores share every
// query; the engine brings what SQLite and PostgreSQL cannot share (engine.ts). A unit of
// work runs the same stores over the engine of its transaction: a set of them built once
// over a lent engine (engine.ts), lent to one open transaction at a time. Building them again
// for every transaction, and each sign-in step is one, was a large part of the step's own
// storage work (bench/signin-storage.bench.ts).
import type { Repository } from './repository.ts';
import { lentEngine, type Engine } from './engine.ts';
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

/** Every store over `engine`, each named for its compiled queries (buildStore). */
function storesOver(engine: Engine): Omit<Repository, Own> {
  const methods: Partial<Repository> = {};
  for (const name of Object.keys(STORES) as StoreName[]) Object.assign(methods, buildStore(name, () => STORES[name](engine)));
  return methods as Omit<Repository, Own>;
}

export function composeRepository(engine: Engine): Repository {
  // The sets of transaction stores not lent now: SQLite runs one transaction at a time, so it
  // builds one set; PostgreSQL one for each transaction it runs at once.
  const idle: TransactionStores[] = [];
  return {
    ...storesOver(engine),
    ping: () => engine.ping(),
    atomically: (fn, opts) =>
      engine.transaction(opts?.exclusive ?? [], async (tx) => {
        const stores = idle.pop() ?? transactionStores(engine);
        try {
          return await stores.lend(tx, fn);
        } finally {
          idle.push(stores);
        }
      }),
    close: () => engine.close(),
  };
}

interface TransactionStores {
  /** Runs `fn` with the repository of the open transaction `tx`, until `fn` settles. */
  lend<T>(tx: Engine, fn: (repo: Repository) => Promise<T>): Promise<T>;
}

/** One set of stores over a lent engine (engine.ts), and the repository it is while lent. */
function transactionStores(root: Engine): TransactionStores {
  const lent = lentEngine(root);
  const repo: Repository = {
    ...storesOver(lent.engine),
    ping: () => lent.engine.ping(),
    // A transaction's engine joins itself (transactionEngine): the inner work uses these stores too.
    atomically: (fn, opts) => lent.engine.transaction(opts?.exclusive ?? [], () => fn(repo)),
    close: () => lent.engine.close(),
  };
  return { lend: (tx, fn) => lent.lend(tx, () => fn(repo)) };
}
