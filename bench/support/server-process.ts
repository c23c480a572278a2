// A test server in a process of its own, so that a benchmark can read the server's CPU time
// alone (process.cpuUsage) while the clients run in the parent (support/server-child.ts).
// Started with fork(); it sends { origin, now } once it listens, answers 'cpu' with its CPU
// time in µs, moves its clock on { advance: ms } (answering with the new time), and exits on
// 'stop' (support/child-messages.ts).
import { ManualClock, startServer } from '../../tests/support/server.ts';
import { answerParent } from './child-messages.ts';

export type ProcessOptions = Omit<NonNullable<Parameters<typeof startServer>[0]>, 'clock' | 'openRepository'> & {
  /** The repository as it was before storage was written once (baseline/sqlite-repository.ts). */
  baselineStorage?: boolean;
};

const { baselineStorage, ...options } = JSON.parse(process.argv[2] ?? '{}') as ProcessOptions;
const openRepository = baselineStorage ? (await import('../baseline/sqlite-repository.ts')).openSqlite : undefined;
const clock = new ManualClock();
const srv = await startServer({ ...options, clock, openRepository });
answerParent({ origin: srv.origin, now: srv.clock.now() }, () => srv.close(), (m) => {
  clock.advance(Number((m as { advance?: number }).advance ?? 0));
  return { now: clock.now() };
});
