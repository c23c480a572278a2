// The class list a teacher brings (a CSV of names) and the class's sign-in sheet: as lines for the terminal, and as a page to print and cut into
// slips, one per student. It holds the initial passwords, so the command writes it readable
// by its own user only.
import type { ClassMember, LabSheet, SheetRow } from './domain/lab/roster.ts';

const passwordOf = (r: SheetRow) => r.password ?? '(unchanged: --reset to set a new one)';

export function sheetLines(sheet: LabSheet, signInUrl: string): string[] {
  const width = Math.max(12, ...sheet.students.map((s) => s.displayName.length), sheet.instructor.displayName.length);
  const upnWidth = Math.max(9, ...sheet.students.map((s) => s.upn.length), sheet.instructor.upn.length);
  const line = (r: SheetRow) => `  ${r.displayName.padEnd(width)}  ${r.upn.padEnd(upnWidth)}  ${passwordOf(r)}${r.created ? '' : '   (existing)'}`;
  return [
    `Sign in at ${signInUrl}`,
    '',
    `  ${'Name'.padEnd(width)}  ${'User name'.padEnd(upnWidth)}  Initial password`,
    line(sheet.instructor) + '   ← instructor (Authenticator policy, logs, Temporary Access Pass, the lab board)',
    ...sheet.students.map(line),
  ];
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function sheetHtml(sheet: LabSheet, signInUrl: string, tenant: string): string {
  const slip = (r: SheetRow, role: string) => `
    <section class="slip">
      <p class="tenant">${escape(tenant)} · ${escape(role)}</p>
      <h2>${escape(r.displayName)}</h2>
      <dl>
        <dt>Sign in at</dt><dd>${escape(signInUrl)}</dd>
        <dt>User name</dt><dd><code>${escape(r.upn)}</code></dd>
        <dt>Initial password</dt><dd><code>${escape(passwordOf(r))}</code></dd>
      </dl>
    </section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(tenant)}: lab sign-in sheet</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
  h1 { font-size: 1.3rem; }
  .slips { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 0.75rem; }
  .slip { border: 1px dashed #888; padding: 0.75rem 1rem; break-inside: avoid; }
  .slip h2 { font-size: 1.1rem; margin: 0.2rem 0 0.5rem; }
  .tenant { margin: 0; color: #555; font-size: 0.85rem; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 0.2rem 0.75rem; margin: 0; }
  dt { color: #555; } dd { margin: 0; }
  code { font: 15px/1.3 ui-monospace, monospace; }
  @media print { body { margin: 0.5cm; } .note { display: none; } }
</style>
</head>
<body>
<h1>${escape(tenant)}: sign-in sheet (group ${escape(sheet.group)})</h1>
<p class="note">Print this page and cut along the dashed lines. Each student changes nothing on the first sign-in; the instructor resets a student with <code>npm run lab -- --reset &lt;user name&gt;</code>. Delete this file after the lab.</p>
<div class="slips">${slip(sheet.instructor, 'Instructor')}${sheet.students.map((s) => slip(s, 'Student')).join('')}
</div>
</body>
</html>
`;
}

/** Names from a CSV file: "Ada Lovelace" or "Ada Lovelace,ada"; quotes around a field are taken off. */
export function readClassCsv(text: string): ClassMember[] {
  const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1').replace(/""/g, '"').trim();
  const rows = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  if (rows[0] && /^"?name"?\s*(,|$)/i.test(rows[0])) rows.shift();
  return rows.map((line) => {
    const comma = line.search(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    const displayName = unquote(comma < 0 ? line : line.slice(0, comma));
    const name = comma < 0 ? '' : unquote(line.slice(comma + 1));
    return name ? { displayName, name } : { displayName };
  });
}
