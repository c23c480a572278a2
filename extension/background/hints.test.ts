import { describe, expect, it } from 'vitest';
import { BURST_WINDOW_MS, requestHints } from './hints.ts';
import type { RequestRecord } from '../storage/db.ts';

const NOW = 1_800_000_000_000;
const LISBON = { ip: '203.0.113.9', location: 'Lisbon, Portugal', browser: 'Firefox on Linux', time: NOW };
type Earlier = Parameters<typeof requestHints>[1][number];
const earlier = (over: Partial<RequestRecord>): Earlier => ({ deviceId: 'd1', context: LISBON, receivedAt: NOW - 3_600_000, status: 'approved', expiresAt: NOW - 3_500_000, ...over });
const arriving = (context = LISBON) => ({ deviceId: 'd1', context });

describe('requestHints', () => {
  it('says nothing about a request like those the person approved before', () => {
    expect(requestHints(arriving(), [earlier({})], NOW)).toEqual([]);
  });

  it('counts a burst from the third request within the window, this one included, and not past it', () => {
    const two = [earlier({ receivedAt: NOW - 10_000 }), earlier({ receivedAt: NOW - BURST_WINDOW_MS + 1 })];
    expect(requestHints(arriving(), two, NOW)).toEqual([{ kind: 'burst', count: 3, seconds: 60 }]);
    // At the window's edge the older one no longer counts.
    expect(requestHints(arriving(), [two[0]!, earlier({ receivedAt: NOW - BURST_WINDOW_MS })], NOW)).toEqual([]);
  });

  it("ignores other accounts' requests and forged ones", () => {
    const others = [earlier({ deviceId: 'd2', receivedAt: NOW - 1 }), earlier({ status: 'rejected', receivedAt: NOW - 2 }), earlier({ status: 'rejected', receivedAt: NOW - 3 })];
    expect(requestHints(arriving(), [earlier({}), ...others], NOW)).toEqual([]);
  });

  it('names a request that arrives while another for the account still waits, not one whose time is up', () => {
    expect(requestHints(arriving(), [earlier({}), earlier({ status: 'pending', receivedAt: NOW - 90_000, expiresAt: NOW + 1 })], NOW)).toEqual([{ kind: 'overlap', open: 1 }]);
    expect(requestHints(arriving(), [earlier({}), earlier({ status: 'pending', receivedAt: NOW - 90_000, expiresAt: NOW })], NOW)).toEqual([]);
  });

  it('names a place, else an address, that no approved request came from', () => {
    const lyon = { ...LISBON, ip: '198.51.100.4', location: 'Lyon, France' };
    expect(requestHints(arriving(lyon), [earlier({})], NOW)).toEqual([{ kind: 'new_place', location: 'Lyon, France' }]);
    const sameCityNewIp = { ...LISBON, ip: '203.0.113.77' };
    expect(requestHints(arriving(sameCityNewIp), [earlier({})], NOW)).toEqual([{ kind: 'new_address', ip: '203.0.113.77' }]);
    // Where the policy hides both, there is nothing to compare.
    expect(requestHints(arriving({ ...LISBON, ip: '', location: '' }), [earlier({})], NOW)).toEqual([]);
  });

  it('does not count a place the person reported or denied as known, and compares nothing before the first approval', () => {
    const lyon = { ...LISBON, ip: '198.51.100.4', location: 'Lyon, France' };
    expect(requestHints(arriving(lyon), [earlier({}), earlier({ context: lyon, status: 'reported' })], NOW)).toEqual([{ kind: 'new_place', location: 'Lyon, France' }]);
    expect(requestHints(arriving(lyon), [earlier({ status: 'denied' })], NOW)).toEqual([]);
  });
});
