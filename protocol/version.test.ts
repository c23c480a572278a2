import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, PROTOCOL_VERSION, SEMVER_RE, compareVersions } from './version.ts';

describe('versions', () => {
  it('speaks protocol version 1 and requires number matching', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(CAPABILITIES).toContain('number_match');
  });

  it('compares field by field, numerically', () => {
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('1.2.0', '1.10.0')).toBeLessThan(0);
    expect(compareVersions('2.0.0', '1.99.99')).toBeGreaterThan(0);
    expect(compareVersions('1.0.9', '1.0.10')).toBeLessThan(0);
    expect(compareVersions('0.9.0', '1.0.0')).toBeLessThan(0);
  });

  it('is antisymmetric and agrees with tuple order (property)', () => {
    const part = fc.integer({ min: 0, max: 999_999 });
    const version = fc.tuple(part, part, part);
    fc.assert(
      fc.property(version, version, (a, b) => {
        const sa = a.join('.');
        const sb = b.join('.');
        const tuple = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
        expect(Math.sign(compareVersions(sa, sb))).toBe(Math.sign(tuple));
        expect(Math.sign(compareVersions(sb, sa))).toBe(-Math.sign(tuple));
      }),
    );
  });

  it('accepts only major.minor.patch', () => {
    for (const ok of ['1.0.0', '0.0.1', '123456.0.999999']) expect(SEMVER_RE.test(ok), ok).toBe(true);
    for (const bad of ['1.0', '1.0.0-beta', 'v1.0.0', '1.0.0.0', '1234567.0.0', ' 1.0.0', '']) expect(SEMVER_RE.test(bad), bad).toBe(false);
  });
});
