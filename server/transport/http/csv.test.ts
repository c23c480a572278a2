import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('CSV export', () => {
  it('quotes commas, quotes and newlines (RFC 4180)', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"\nbye']])).toBe('a,b\n"x,y","say ""hi""\nbye"\n');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(toCsv(['a'], [['=HYPERLINK("http://evil")'], ['+1'], ['-2'], ['@SUM(A1)'], ['plain']])).toBe(
      `a\n"'=HYPERLINK(""http://evil"")"\n'+1\n'-2\n'@SUM(A1)\nplain\n`,
    );
  });

  it('writes null as an empty cell and numbers as they are', () => {
    expect(toCsv(['a', 'b'], [[null, 42]])).toBe('a,b\n,42\n');
  });
});
