import { afterEach, describe, expect, it, vi } from 'vitest';
import { clock } from './clock.ts';

describe('the extension clock', () => {
  afterEach(() => void vi.restoreAllMocks());

  it('tells the time of the machine by default', () => {
    const before = Date.now();
    const now = clock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('tells the time a test sets', () => {
    vi.spyOn(clock, 'now').mockReturnValue(1_700_000_000_000);
    expect(clock.now()).toBe(1_700_000_000_000);
  });
});
