// The number to match is drawn uniformly over every value of its length, leading zeros
// included; a draw that skipped them would leave 90 of 100 two-digit values.
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomNumber } from './deps.ts';

const csprng = { random: { int: (min: number, max: number) => randomInt(min, max), bytes: () => new Uint8Array() } };

describe('randomNumber', () => {
  it('has exactly the policy length, at the bounds of every length', () => {
    for (let length = 2; length <= 8; length++) {
      expect(randomNumber({ random: { ...csprng.random, int: () => 0 } }, length)).toBe('0'.repeat(length));
      expect(randomNumber({ random: { ...csprng.random, int: (_min, max) => max - 1 } }, length)).toBe('9'.repeat(length));
      for (let i = 0; i < 200; i++) expect(randomNumber(csprng, length)).toMatch(new RegExp(`^\\d{${length}}$`));
    }
  });

  it('draws all 100 two-digit values alike (chi-square over 100,000 draws)', () => {
    const counts = new Array<number>(100).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[Number(randomNumber(csprng, 2))]!++;
    // Every value from 00 to 09 comes up too.
    expect(counts.slice(0, 10).every((c) => c > 0)).toBe(true);
    const expected = draws / 100;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 99 degrees of freedom: above 170 happens by chance less than once in a million runs.
    expect(chi2).toBeLessThan(170);
  });
});
