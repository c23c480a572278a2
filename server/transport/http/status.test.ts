import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../protocol/errors.ts';
import { HTTP_STATUS } from './status.ts';

describe('HTTP status table', () => {
  it('gives every error code the status docs/protocol.md documents', () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(documented).sort()).toEqual([...ERROR_CODES].sort());
    expect(documented).toEqual(HTTP_STATUS);
  });

  it('answers every client error with a 4xx and only internal with a 5xx', () => {
    for (const code of ERROR_CODES) {
      const status = HTTP_STATUS[code];
      if (code === 'internal' || code === 'unavailable') expect(status).toBeGreaterThanOrEqual(500);
      else expect(status).toBeLessThan(500);
    }
  });
});
