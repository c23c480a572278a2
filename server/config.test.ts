// Configuration: every key has a default and an environment variable; a bad value stops
// the start with a message that names the variable and the value.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('configuration', () => {
  it('has a default for every key', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicOrigin: null,
      dataDir: path.resolve('.data'),
      databaseUrl: null,
      logLevel: 'info',
      trustProxy: 0,
      sqliteSynchronous: 'FULL',
      sessionIdleMs: 30 * 60_000,
      sessionAbsoluteMs: 12 * 3_600_000,
      channelOrigins: ['chrome-extension://*', 'moz-extension://*'],
      labMode: 'auto',
    });
  });

  it('reads the lab mode, and names a value that is not one', () => {
    expect(loadConfig({ LAB_MODE: 'off' }).labMode).toBe('off');
    expect(() => loadConfig({ LAB_MODE: 'yes' })).toThrow(/LAB_MODE="yes": LAB_MODE must be auto, on or off/);
  });

  it('reads the device channel origins, and names an entry that is not one', () => {
    expect(loadConfig({ CHANNEL_ORIGINS: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' }).channelOrigins).toEqual(['chrome-extension://abcdefghijklmnopabcdefghijklmnop']);
    expect(() => loadConfig({ CHANNEL_ORIGINS: 'https://evil.example/path' })).toThrow(/CHANNEL_ORIGINS: "https:\/\/evil.example\/path"/);
  });

  it('reads each key from the environment', () => {
    const c = loadConfig({
      PORT: '8443',
      HOST: '0.0.0.0',
      PUBLIC_ORIGIN: 'https://login.example.com',
      DATA_DIR: '/var/lib/pushkey',
      DATABASE_URL: 'postgres://u@db/pushkey',
      LOG_LEVEL: 'debug',
      TRUST_PROXY: '2',
      SQLITE_SYNCHRONOUS: 'NORMAL',
      SESSION_IDLE_MINUTES: '15',
      SESSION_ABSOLUTE_HOURS: '8',
    });
    expect(c).toMatchObject({
      port: 8443,
      host: '0.0.0.0',
      publicOrigin: 'https://login.example.com',
      dataDir: '/var/lib/pushkey',
      databaseUrl: 'postgres://u@db/pushkey',
      logLevel: 'debug',
      trustProxy: 2,
      sqliteSynchronous: 'NORMAL',
      sessionIdleMs: 15 * 60_000,
      sessionAbsoluteMs: 8 * 3_600_000,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' })).toMatchObject({ port: 3000, logLevel: 'info' });
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ SOMETHING_ELSE: 'x' }).port).toBe(3000);
  });

  it('accepts the port range bounds', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it.each(['abc', '70000', '65536', '-1', '3000.5', '3k', ' ', '0x10', '1e3', '+80'])('fails on PORT=%s with a message naming PORT and the value', (value) => {
    expect(() => loadConfig({ PORT: value })).toThrow(`Invalid configuration PORT="${value}"`);
  });

  it('names the variable for other bad values too', () => {
    expect(() => loadConfig({ PUBLIC_ORIGIN: 'https://example.com/path' })).toThrow(/PUBLIC_ORIGIN/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/SQLITE_SYNCHRONOUS/);
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: 'soon' })).toThrow(/SESSION_IDLE_MINUTES/);
    expect(() => loadConfig({ TRUST_PROXY: '-1' })).toThrow(/TRUST_PROXY/);
  });

  it('refuses session timeouts of zero, which would end every session as it starts', () => {
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0' })).toThrow(/SESSION_IDLE_MINUTES="0": SESSION_IDLE_MINUTES must be at least 1/);
    expect(() => loadConfig({ SESSION_ABSOLUTE_HOURS: '0' })).toThrow(/SESSION_ABSOLUTE_HOURS/);
  });

  it('sends SMS through the lab outbox unless SMS_WEBHOOK_URL names a gateway, and refuses one that is not a URL', () => {
    expect(loadConfig({}).smsWebhookUrl).toBeNull();
    expect(loadConfig({ SMS_WEBHOOK_URL: 'https://sms.example.com/send' }).smsWebhookUrl).toBe('https://sms.example.com/send');
    expect(() => loadConfig({ SMS_WEBHOOK_URL: 'not a url' })).toThrow('Invalid configuration SMS_WEBHOOK_URL="not a url"');
  });
});
