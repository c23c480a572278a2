// Configuration: every key has a default and an environment variable, parsed once at
// start; a bad value stops the process with a message that names it.
import * as v from 'valibot';
import path from 'node:path';
import { Origin } from '../protocol/fields.ts';
import { DEFAULT_CHANNEL_ORIGINS, parseChannelOrigins } from './transport/push/channel-origins.ts';

// Decimal digits only: Number() would also take " " (0: a random port), "0x10" and "1e3".
const Digits = (name: string) => v.pipe(v.string(), v.regex(/^\d{1,9}$/, `${name} must be a whole number`), v.transform(Number));
const Port = v.pipe(Digits('PORT'), v.maxValue(65535, 'PORT must be at most 65535'));
const Whole = (name: string, min = 0) => v.pipe(Digits(name), v.minValue(min, `${name} must be at least ${min}`));

const Env = v.object({
  PORT: v.optional(Port, '3000'),
  HOST: v.optional(v.string(), '127.0.0.1'),
  PUBLIC_ORIGIN: v.optional(Origin),
  DATA_DIR: v.optional(v.string(), '.data'),
  DATABASE_URL: v.optional(v.string()),
  LOG_LEVEL: v.optional(v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  TRUST_PROXY: v.optional(Whole('TRUST_PROXY'), '0'),
  SQLITE_SYNCHRONOUS: v.optional(v.picklist(['FULL', 'NORMAL']), 'FULL'),
  // 0 would end every session as it starts.
  SESSION_IDLE_MINUTES: v.optional(Whole('SESSION_IDLE_MINUTES', 1), '30'),
  SESSION_ABSOLUTE_HOURS: v.optional(Whole('SESSION_ABSOLUTE_HOURS', 1), '12'),
  ALERT_WEBHOOK_URL: v.optional(v.pipe(v.string(), v.url('ALERT_WEBHOOK_URL must be a URL'))),
  SMS_WEBHOOK_URL: v.optional(v.pipe(v.string(), v.url('SMS_WEBHOOK_URL must be a URL'))),
  GEOIP_CSV: v.optional(v.string()),
  CHANNEL_ORIGINS: v.optional(v.string()),
  LAB_MODE: v.optional(v.picklist(['auto', 'on', 'off'], 'LAB_MODE must be auto, on or off'), 'auto'),
});

export interface Config {
  port: number;
  host: string;
  /** The origin devices sign over and the QR code carries. Defaults to http://localhost:PORT. */
  publicOrigin: string | null;
  dataDir: string;
  databaseUrl: string | null;
  logLevel: string;
  trustProxy: number;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** Every alert is POSTed here as JSON when set. */
  alertWebhookUrl: string | null;
  /** SMS codes are POSTed here as JSON when set; otherwise the lab provider keeps them in the portal's outbox. */
  smsWebhookUrl: string | null;
  /** A "cidr,label" file mapping IP ranges to locations. */
  geoIpCsv: string | null;
  /** Origins besides the server's own that may open the device channel (exact, or scheme://*). */
  channelOrigins: readonly string[];
  /**
   * Classroom lab mode (the instructor's board and the lab clock). auto: on when the database
   * holds a lab, which `npm run lab` creates for this data directory; on: always; off: never.
   */
  labMode: 'auto' | 'on' | 'off';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked = Object.fromEntries(Object.keys(Env.entries).filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]));
  const r = v.safeParse(Env, picked);
  if (!r.success) {
    const issue = r.issues[0];
    const key = issue.path?.[0]?.key ?? '';
    throw new Error(`Invalid configuration ${String(key)}="${String(env[String(key)] ?? '')}": ${issue.message}`);
  }
  const e = r.output;
  return {
    port: e.PORT,
    host: e.HOST,
    publicOrigin: e.PUBLIC_ORIGIN ?? null,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    alertWebhookUrl: e.ALERT_WEBHOOK_URL ?? null,
    smsWebhookUrl: e.SMS_WEBHOOK_URL ?? null,
    geoIpCsv: e.GEOIP_CSV ? path.resolve(e.GEOIP_CSV) : null,
    channelOrigins: e.CHANNEL_ORIGINS ? parseChannelOrigins(e.CHANNEL_ORIGINS) : DEFAULT_CHANNEL_ORIGINS,
    labMode: e.LAB_MODE,
  };
}
