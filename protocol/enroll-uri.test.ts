import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEnrollUri, parseEnrollUri, type EnrollLink } from './enroll-uri.ts';
import { PushkeyError, type ErrorCode } from './errors.ts';

const link: EnrollLink = {
  origin: 'https://login.example.com',
  code: '0123456789ABCDEFGHJKMNPQRSQ9',
  user: 'zoe@example.com',
  tenant: 'Example Corp',
};

function failure(run: () => unknown): { code: ErrorCode; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(PushkeyError);
    return { code: (err as PushkeyError).code, message: (err as PushkeyError).message };
  }
  throw new Error('expected a PushkeyError');
}

describe('enrollment link', () => {
  it('builds the documented form', () => {
    expect(buildEnrollUri(link)).toBe(
      'pushkey://enroll?v=1&origin=https%3A%2F%2Flogin.example.com&code=0123456789ABCDEFGHJKMNPQRSQ9&user=zoe%40example.com&tenant=Example+Corp',
    );
  });

  it('round-trips build → parse', () => {
    expect(parseEnrollUri(buildEnrollUri(link))).toEqual(link);
  });

  it('round-trips a tenant with spaces, unicode and URL metacharacters', () => {
    const tenant = 'Zoë & Søren’s Café — 東京 = 100% + more?#';
    const uri = buildEnrollUri({ ...link, tenant });
    expect(uri).not.toContain(' ');
    expect(uri).not.toContain('#');
    expect(parseEnrollUri(uri).tenant).toBe(tenant);
  });

  it('reads a tenant percent-encoded with %20 as well as with +', () => {
    const uri = 'pushkey://enroll?v=1&origin=https%3A%2F%2Flogin.example.com&code=0123456789ABCDEFGHJKMNPQRSQ9&user=zoe%40example.com&tenant=Z%C3%BCrich%20Labs';
    expect(parseEnrollUri(uri).tenant).toBe('Zürich Labs');
  });

  it('round-trips any printable tenant and user (property)', () => {
    const printable = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/\p{Cc}/u.test(s));
    fc.assert(
      fc.property(printable, printable, (tenant, user) => {
        const l = { ...link, tenant, user };
        expect(parseEnrollUri(buildEnrollUri(l))).toEqual(l);
      }),
    );
  });

  it('carries the code in its canonical form, and reads a grouped lowercase one back to it', () => {
    expect(buildEnrollUri(link)).toContain('&code=0123456789ABCDEFGHJKMNPQRSQ9&');
    const grouped = buildEnrollUri({ ...link, code: '0123-4567-89ab-cdef-ghjk-mnpq-rsq9' });
    expect(parseEnrollUri(grouped).code).toBe(link.code);
  });

  it('accepts an origin with a port and surrounding whitespace from a paste', () => {
    const local = { ...link, origin: 'http://localhost:3000' };
    expect(parseEnrollUri(`  ${buildEnrollUri(local)}\n`)).toEqual(local);
  });

  it('takes plain http only from this computer or a local network: elsewhere the pinned key could be swapped on the way', () => {
    const at = (origin: string) => () => parseEnrollUri(buildEnrollUri({ ...link, origin }));
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://10.0.0.5', 'http://172.16.0.1', 'http://172.31.255.1', 'http://192.168.1.20:3000', 'http://169.254.1.1', 'http://lab.local', 'http://pc.home.arpa', 'http://[fd12:3456::1]', 'http://[fe80::1]', 'https://login.example.com']) {
      expect(at(origin)(), origin).toMatchObject({ origin });
    }
    for (const origin of ['http://login.example.com', 'http://172.32.0.1', 'http://172.15.0.1', 'http://8.8.8.8', 'http://192.169.1.1', 'http://localhost.example.com', 'http://[2001:db8::1]']) {
      const f = failure(at(origin));
      expect(f.code, origin).toBe('bad_request');
      expect(f.message, origin).toMatch(/must use https:\/\//);
    }
  });

  it('rejects another scheme or path with bad_request', () => {
    for (const text of ['https://login.example.com/enroll?v=1', 'otpauth://totp/x?secret=A', 'pushkey://setup?v=1', '', 'PUSHKEY://enroll?v=1']) {
      expect(failure(() => parseEnrollUri(text)).code, text).toBe('bad_request');
    }
  });

  it('rejects another version with unsupported_version, saying which', () => {
    const v2 = buildEnrollUri(link).replace('v=1', 'v=2');
    const f = failure(() => parseEnrollUri(v2));
    expect(f.code).toBe('unsupported_version');
    expect(f.message).toContain('"2"');
    expect(failure(() => parseEnrollUri(buildEnrollUri(link).replace('v=1&', ''))).code).toBe('unsupported_version');
  });

  it('rejects a missing or malformed field with bad_request naming it', () => {
    const uri = buildEnrollUri(link);
    const cases: [string, string][] = [
      [uri.replace(/&code=[^&]*/, ''), 'code'],
      [uri.replace(/code=[^&]*/, 'code=short'), 'code'],
      [uri.replace(/code=[^&]*/, 'code=QEFCQ0RFRkdISUpLTE1OTw'), 'code'],
      [uri.replace(/origin=[^&]*/, 'origin=https%3A%2F%2Flogin.example.com%2Fpath'), 'origin'],
      [uri.replace(/origin=[^&]*/, 'origin=javascript%3Aalert(1)'), 'origin'],
      [uri.replace(/tenant=[^&]*/, 'tenant=a%0Ab'), 'tenant'],
    ];
    for (const [text, field] of cases) {
      const f = failure(() => parseEnrollUri(text));
      expect(f.code, text).toBe('bad_request');
      expect(f.message, text).toContain(`"${field}"`);
    }
  });
});
