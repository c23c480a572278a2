// The app on either engine, for suites that must hold on both: SQLite (one test server) or
// PostgreSQL (instances of the app on one schema of the machine's server, behind one origin).
import { setMonitoringPolicy, type MonitoringPolicy } from '../../server/domain/monitoring/monitoring.ts';
import type { Repository } from '../../server/storage/repository.ts';
import { openSqlite } from '../../server/storage/sqlite/open.ts';
import type { Served } from './flows.ts';
import { startCluster } from './postgres.ts';
import { demoUsers, ManualClock, startServer } from './server.ts';

export const ENGINES = ['SQLite', 'PostgreSQL'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface EngineServer extends Served {
  /** Every instance's address (one on SQLite); a request may be sent to any. */
  urls: string[];
  /** What the domain reads and writes through (the wrapped repository, when `wrapRepository` was given). */
  repo: Repository;
  close(): Promise<void>;
}

/** `monitoring`: the throttle and alert thresholds (default: a test server's, far above what tests send, on SQLite; the policy's own on PostgreSQL). */
export async function startOn(
  engine: EngineName,
  opts: { name: string; instances?: number; monitoring?: MonitoringPolicy; wrapRepository?: (repo: Repository) => Repository },
): Promise<EngineServer> {
  const wrap = opts.wrapRepository ?? ((r: Repository) => r);
  if (engine === 'SQLite') {
    const srv = await startServer({ openRepository: (o) => wrap(openSqlite(o)), ...(opts.monitoring ? { monitoring: opts.monitoring } : {}) });
    return { origin: srv.origin, users: srv.users, clock: srv.clock, repo: srv.repo, urls: [srv.origin], close: () => srv.close() };
  }
  const cluster = await startCluster({ name: opts.name, count: opts.instances ?? 1, clock: new ManualClock(), wrapRepository: wrap });
  const { deps } = cluster.instances[0]!;
  if (opts.monitoring) await setMonitoringPolicy(deps.repo, opts.monitoring);
  return { origin: cluster.origin, users: demoUsers(), clock: deps.clock, repo: deps.repo, urls: cluster.instances.map((i) => i.url), close: () => cluster.close() };
}
