// The only file with side effects: read the config, open storage, seed the demo tenant on
// first start, listen, and shut down cleanly.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createApp } from './app.ts';
import { defaultLimiters } from './transport/http/rate-limit.ts';
import { loadConfig } from './config.ts';
import { DEMO_PASSWORDS_FILE, seedDemoTenant, seededLines } from './seed.ts';
import { openSqlite } from './storage/sqlite/open.ts';
import { openPostgres } from './storage/postgres/open.ts';
import { inProcessBus } from './transport/push/in-process-bus.ts';
import { postgresBus } from './transport/push/pg-bus.ts';
import { buildDeps } from './wiring.ts';
import { serveStatic } from './transport/http/static.ts';
import { purgeOldRecords } from './domain/monitoring/monitoring.ts';
import { sweepExpiredRequests } from './domain/signin/signin.ts';
import { loadGeoCsv } from './geo/locator.ts';
import { webhookSink } from './transport/alerts/webhook.ts';
import { webhookSmsProvider } from './transport/sms/webhook.ts';
import { readLab } from './domain/lab/lab.ts';

const config = loadConfig();
const log = pino({ level: config.logLevel });

// SQLite in DATA_DIR by default; PostgreSQL (and LISTEN/NOTIFY between instances) with DATABASE_URL.
const storage = config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : path.join(config.dataDir, 'pushkey.db');
if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
const postgres = config.databaseUrl ? await openPostgres({ connectionString: config.databaseUrl, log }) : null;
const repo = postgres ?? openSqlite({ filename: storage, synchronous: config.sqliteSynchronous });
const bus = config.databaseUrl ? await postgresBus(config.databaseUrl, log) : inProcessBus();
const origin = config.publicOrigin ?? `http://localhost:${config.port}`;
// Lab mode: forced by LAB_MODE, or (auto) because `npm run lab` set up a lab in this database.
const lab = config.labMode === 'on' || (config.labMode === 'auto' && (await readLab(repo)) !== null);
const deps = await buildDeps({
  lab,
  repo,
  bus,
  origin,
  log,
  limits: { sessionIdleMs: config.sessionIdleMs, sessionAbsoluteMs: config.sessionAbsoluteMs },
  ...(config.geoIpCsv ? { locate: loadGeoCsv(config.geoIpCsv) } : {}),
  ...(config.alertWebhookUrl ? { alertSink: webhookSink(config.alertWebhookUrl, log) } : {}),
  ...(config.smsWebhookUrl ? { sms: webhookSmsProvider(config.smsWebhookUrl, log) } : {}),
});
// Several instances on one PostgreSQL database share their rate limits there.
const limiters = defaultLimiters(postgres ? { kind: 'postgres', pool: postgres.pool } : { kind: 'memory' });
const app = createApp(deps, { trustProxy: config.trustProxy, extraRoutes: serveStatic, limiters, channel: { allowedOrigins: config.channelOrigins } });
const server = createServer();
app.attach(server);

const seeded = await seedDemoTenant(deps);

// Retention: purge old logs and spent rows at start and every hour.
const purge = () => purgeOldRecords(deps).then((counts) => log.info(counts, 'retention purge'), (err: unknown) => log.error({ err }, 'retention purge failed'));
void purge();
const purgeTimer = setInterval(purge, 3_600_000);
purgeTimer.unref();
// Requests that ran out of time with nobody asking end their sign-in attempt in the log.
const sweepTimer = setInterval(() => void sweepExpiredRequests(deps).catch((err: unknown) => log.error({ err }, 'expiry sweep failed')), 30_000);
sweepTimer.unref();
server.listen(config.port, config.host, () => {
  const extension = path.resolve('dist/extension');
  const built = existsSync(extension);
  log.info({ origin, storage, extension: built ? extension : null, lab }, 'pushkey is running');
  // The log stream stays JSON and secret-free: the demo passwords go to a person's terminal,
  // or, when stdout is not one (a service, a pipe, a container log), to a file only this user reads.
  if (process.stdout.isTTY) {
    const lines = [
      '',
      `pushkey is running at ${origin}`,
      `  data:      ${storage}`,
      built ? `  extension: load unpacked from ${extension} (chrome://extensions → Developer mode → Load unpacked)` : '  extension: not built yet (npm run build)',
      ...(built ? [`  Firefox:   about:debugging → This Firefox → Load Temporary Add-on → ${extension}-firefox/manifest.json`] : []),
      ...(lab ? [`  lab mode:  on (the instructor's board: ${origin}/admin/#/lab)`] : []),
    ];
    if (seeded) lines.push('', 'Demo tenant created. These passwords are shown ONCE; write them down:', ...seededLines(seeded), '  (forgot them? stop the server and delete the data directory to start over)');
    process.stdout.write(lines.join('\n') + '\n\n');
  } else if (seeded) {
    mkdirSync(config.dataDir, { recursive: true });
    const file = path.join(config.dataDir, DEMO_PASSWORDS_FILE);
    writeFileSync(file, ['Demo tenant accounts (delete this file once you have them):', ...seededLines(seeded), ''].join('\n'), { mode: 0o600 });
    log.info({ file }, 'demo tenant created; its passwords are in this file, readable by this user only');
  }
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  server.close();
  await app.close();
  await limiters.close?.();
  await deps.bus.close();
  await repo.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

/** The database URL without its password, for the console. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
