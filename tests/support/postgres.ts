// Several app instances on one PostgreSQL database (the machine's server: 127.0.0.1:5432,
// trust auth, database test), each in a throwaway schema with its own LISTEN channel, behind
// one public origin as a load balancer would put them. The tenant is seeded once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { createApp, type App } from '../../server/app.ts';
import type { Clock, Deps } from '../../server/domain/deps.ts';
import { seedDemoTenant } from '../../server/seed.ts';
import { openPostgres } from '../../server/storage/postgres/open.ts';
import type { Repository } from '../../server/storage/repository.ts';
import { defaultLimiters, noLimiters, type Limiters } from '../../server/transport/http/rate-limit.ts';
import { postgresBus } from '../../server/transport/push/pg-bus.ts';
import { buildDeps } from '../../server/wiring.ts';
import { demoPassword } from './server.ts';

export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Instance {
  /** Where this instance listens (a test reaches one instance directly). */
  url: string;
  deps: Deps;
  limiters: Limiters;
  app: App;
  server: Server;
}

export interface Cluster {
  /** The public origin every instance signs and pushes under: the first instance's address. */
  origin: string;
  instances: Instance[];
  close(): Promise<void>;
}

/**
 * `sharedLimits`: the production rate limits, counted in the database for all instances; otherwise none.
 * `applicationName`: every connection of the cluster says it (pg_stat_activity), so a test can end exactly its own.
 */
export async function startCluster(opts: {
  name: string;
  count?: number;
  clock: Clock;
  sharedLimits?: boolean;
  applicationName?: string;
  /** How often the shared throttles sync (default: the product's second); a test that syncs them itself passes a long one. */
  limitSyncMs?: number;
  /** How long each bus waits before listening again after the database ended its connection (default: the product's backoff). */
  busReconnectDelayMs?: (attempt: number) => number;
  /** The database (default: DATABASE_URL's). */
  databaseUrl?: string;
  /** What each instance's domain gets instead of its repository (a test's fault injector). */
  wrapRepository?: (repo: Repository) => Repository;
}): Promise<Cluster> {
  const schema = `pk_${opts.name}_${process.pid}_${Date.now().toString(36)}`;
  const base = opts.databaseUrl ?? DATABASE_URL;
  const url = opts.applicationName ? `${base}${base.includes('?') ? '&' : '?'}application_name=${opts.applicationName}` : base;
  const instances: Instance[] = [];
  for (let i = 0; i < (opts.count ?? 2); i++) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const repo = await openPostgres({ connectionString: url, schema, ...(opts.busReconnectDelayMs ? { reconnectDelayMs: opts.busReconnectDelayMs } : {}) });
    const bus = await postgresBus(url, pino({ level: 'silent' }), { channel: schema, reconnectDelayMs: opts.busReconnectDelayMs });
    const deps = await buildDeps({ repo: opts.wrapRepository?.(repo) ?? repo, bus, origin: instances[0]?.url ?? at, clock: opts.clock });
    const limiters = opts.sharedLimits ? defaultLimiters({ kind: 'postgres', pool: repo.pool }, { syncMs: opts.limitSyncMs }) : noLimiters();
    const app = createApp(deps, { limiters });
    app.attach(server);
    instances.push({ url: at, deps, limiters, app, server });
  }
  await seedDemoTenant(instances[0]!.deps, demoPassword);
  return {
    origin: instances[0]!.url,
    instances,
    async close() {
      for (const i of instances) {
        await i.app.close();
        await i.limiters.close?.();
        i.server.closeAllConnections();
        await new Promise<void>((r) => i.server.close(() => r()));
        await i.deps.bus.close();
        await i.deps.repo.close();
      }
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}
