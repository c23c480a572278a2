// Every activity the server writes has words in the portal's table, and the table names
// nothing the server no longer writes. The type of audit() already refuses an unknown
// identifier; this reads the sources too, so that a cast or a built string cannot slip by.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activityName, AUDIT_ACTIONS } from '../../../protocol/audit-actions.ts';

const SERVER = path.resolve(import.meta.dirname, '../..');

/** The server's source files, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((f) => {
    const p = path.join(dir, f.name);
    if (f.isDirectory()) return sources(p);
    return f.name.endsWith('.ts') && !f.name.endsWith('.test.ts') && !f.name.endsWith('.contract.ts') ? [p] : [];
  });
}

/** The identifiers on lines that write an audit entry: `audit(d, actor, 'x.y', …)` or an `action: 'x.y'` handed to one. */
function emittedActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sources(SERVER)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!/\baudit\(|\baction: /.test(line)) continue;
      for (const [, action] of line.matchAll(/['`]([a-z_]+(?:\.[a-z_${}]+)+)['`]/g)) found.set(action!, path.relative(SERVER, file));
    }
  }
  return found;
}

describe('audit activities', () => {
  const emitted = emittedActions();

  it('finds the activities the server writes (the scan itself works)', () => {
    expect(emitted.size).toBeGreaterThanOrEqual(20);
    expect(emitted.get('policy.authenticator.updated')).toBe('domain/policies/policy-registry.ts');
  });

  it('has words for every activity the server writes', () => {
    const missing = [...emitted].filter(([action]) => !(action in AUDIT_ACTIONS)).map(([action, file]) => `${action} (${file})`);
    expect(missing).toEqual([]);
  });

  it('names only activities the server writes', () => {
    expect(Object.keys(AUDIT_ACTIONS).filter((action) => !emitted.has(action))).toEqual([]);
  });

  it('reads an activity in words, and an unknown one as it is', () => {
    expect(activityName('policy.authenticator.updated')).toBe('Authenticator policy updated');
    expect(activityName('something.new')).toBe('something.new');
  });
});
