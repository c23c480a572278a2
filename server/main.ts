// The only file with side effects: read the config, open storage, seed the demo tenant on
// first start, listen, and shut down cleanly.
import { createServer } from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { seedDemoTenant } from './seed.ts';
import { openSqlite } from './storage/sqlite/repository.ts';
import { buildDeps } from './wiring.ts';
import { serveStatic } from './transport/http/static.ts';

const config = loadConfig();
const log = pino({ level: config.logLevel });

if (config.databaseUrl) {
  log.fatal('DATABASE_URL is set, but this build stores data in SQLite only; unset it to use DATA_DIR.');
  process.exit(1);
}
mkdirSync(config.dataDir, { recursive: true });
const repo = openSqlite({ filename: path.join(config.dataDir, 'pushkey.db'), synchronous: config.sqliteSynchronous });
const origin = config.publicOrigin ?? `http://localhost:${config.port}`;
const deps = await buildDeps({ repo, origin, log, limits: { sessionIdleMs: config.sessionIdleMs, sessionAbsoluteMs: config.sessionAbsoluteMs } });
const app = createApp(deps, { trustProxy: config.trustProxy, extraRoutes: serveStatic });
const server = createServer();
app.attach(server);

const seeded = await seedDemoTenant(deps);
server.listen(config.port, config.host, () => {
  const extension = path.resolve('dist/extension');
  const lines = [
    '',
    `pushkey is running at ${origin}`,
    `  data:      ${path.join(config.dataDir, 'pushkey.db')}`,
    existsSync(extension) ? `  extension: load unpacked from ${extension} (chrome://extensions → Developer mode → Load unpacked)` : '  extension: not built yet (npm run build)',
  ];
  if (seeded) {
    lines.push('', 'Demo tenant created. These passwords are shown ONCE; write them down:');
    for (const u of seeded) lines.push(`  ${u.upn.padEnd(24)} ${u.password}   ${u.roles.join(', ')}${u.groups.length ? ` (groups: ${u.groups.join(', ')})` : ''}`);
    lines.push('  (forgot them? stop the server and delete the data directory to start over)');
  }
  process.stdout.write(lines.join('\n') + '\n\n');
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  server.close();
  await app.close();
  await deps.bus.close();
  await repo.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
