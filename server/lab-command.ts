// npm run lab: sets up (or finds again) the classroom lab in this data directory and prints its
// sign-in sheet; --reset puts one student, or the class, back at the start. Like main.ts it has
// side effects (storage, files, the terminal); it never listens. A server started on this data
// directory afterwards is in lab mode (LAB_MODE=auto).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { tenantName } from './domain/authenticator/enrollment.ts';
import { readLab } from './domain/lab/lab.ts';
import { numberedClass, resetStudents, setUpLab, type ClassMember, type SheetRow } from './domain/lab/roster.ts';
import { DEMO_PASSWORDS_FILE, seedDemoTenant, seededLines } from './seed.ts';
import { openPostgres } from './storage/postgres/open.ts';
import { openSqlite } from './storage/sqlite/open.ts';
import type { Repository } from './storage/repository.ts';
import { readClassCsv, sheetHtml, sheetLines } from './lab-sheet.ts';
import { buildDeps } from './wiring.ts';
import { PushkeyError } from '../protocol/errors.ts';

const USAGE = `npm run lab -- [--students N | --csv names.csv] [--reset <user name>|all]

  --students N     a class of N students: student01 … studentNN
  --csv FILE       one student a line: "Display Name" or "Display Name,user name" (a header line "name" is skipped)
  --reset NAME     back to the start: methods removed, sessions ended, the initial password again; "all": the whole class
  (neither)        prints the sheet of the lab set up earlier

The data directory is DATA_DIR (default .data); DATABASE_URL selects PostgreSQL as for npm start.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { students: { type: 'string' }, csv: { type: 'string' }, reset: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (err) {
    return fail((err as Error).message);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values.students && values.csv) fail('Give --students or --csv, not both.');
let members: ClassMember[] | null = null;
if (values.students) {
  if (!/^\d{1,3}$/.test(values.students) || Number(values.students) < 1 || Number(values.students) > 500) fail(`--students must be a number from 1 to 500, got "${values.students}"`);
  members = numberedClass(Number(values.students));
} else if (values.csv) {
  if (!existsSync(values.csv)) fail(`No such file: ${values.csv}`);
  members = readClassCsv(readFileSync(values.csv, 'utf8'));
  if (members.length === 0) fail(`${values.csv} names no students.`);
}

const config = loadConfig();
const labDir = path.join(config.dataDir, 'lab');
const passwordsFile = path.join(labDir, 'passwords.json');
const sheetFile = path.join(labDir, 'sheet.html');
mkdirSync(labDir, { recursive: true, mode: 0o700 });

const repo: Repository = config.databaseUrl
  ? await openPostgres({ connectionString: config.databaseUrl })
  : openSqlite({ filename: path.join(config.dataDir, 'pushkey.db'), synchronous: config.sqliteSynchronous });
const origin = config.publicOrigin ?? `http://localhost:${config.port}`;
const d = await buildDeps({ repo, origin, lab: true });

/** The initial passwords of earlier runs, by user name: kept beside the database, for the sheet. */
const known: Record<string, string> = existsSync(passwordsFile) ? (JSON.parse(readFileSync(passwordsFile, 'utf8')) as Record<string, string>) : {};
const out: string[] = [];
try {
  const seeded = await seedDemoTenant(d);
  if (seeded) {
    // A fresh data directory gets the demo tenant first (a global admin among it), as npm start would.
    const file = path.join(config.dataDir, DEMO_PASSWORDS_FILE);
    writeFileSync(file, ['Demo tenant accounts (delete this file once you have them):', ...seededLines(seeded), ''].join('\n'), { mode: 0o600 });
    out.push(`Demo tenant created; its accounts (a global admin among them) are in ${file}.`, '');
  }
  const earlier = await readLab(repo);
  if (values.reset) {
    const rows = await resetStudents(d, values.reset === 'all' ? 'all' : values.reset.split(',').map((s) => s.trim()), (upn) => known[upn]);
    remember(rows);
    out.push(`Reset ${rows.length === 1 ? rows[0]!.upn : `${rows.length} students`}: authenticators revoked, passkeys, phone and pass deleted, sessions ended, password set again.`, '');
  }
  if (!members && !earlier && !values.reset) fail('No lab here yet: give --students N or --csv FILE.');
  const sheet = await setUpLab(d, members ?? (await studentsOf(repo)), (upn) => known[upn]);
  remember([sheet.instructor, ...sheet.students]);
  const created = [sheet.instructor, ...sheet.students].filter((r) => r.created).length;
  out.push(
    earlier ? `Lab found (group ${sheet.group}): ${created ? `${created} account(s) added, ` : ''}nobody's password changed.` : `Lab set up: group ${sheet.group}, ${sheet.students.length} students, an instructor. The Authenticator policy is off until the instructor turns it on.`,
    '',
    ...sheetLines(sheet, `${origin}/login/`),
    '',
    `Printable sheet: ${sheetFile}`,
    `Lab mode is on for ${config.databaseUrl ? 'this database' : `the data directory ${config.dataDir}`}: start the server with npm start (restart one that is running); the board is at ${origin}/admin/#/lab.`,
  );
  writeFileSync(sheetFile, sheetHtml(sheet, `${origin}/login/`, await tenantName(d)), { mode: 0o600 });
  process.stdout.write(`${out.join('\n')}\n`);
} catch (err) {
  if (!(err instanceof PushkeyError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
} finally {
  await repo.close();
}

/** Keeps the initial passwords this run set, so that a later run prints the same sheet. */
function remember(rows: SheetRow[]): void {
  for (const r of rows) if (r.password) known[r.upn] = r.password;
  writeFileSync(passwordsFile, JSON.stringify(known, null, 2), { mode: 0o600 });
}

/** The class as an earlier run set it up, to print its sheet again. */
async function studentsOf(r: Repository): Promise<ClassMember[]> {
  const lab = await readLab(r);
  const users = await Promise.all((lab?.students ?? []).map((s) => r.getUser(s.userId)));
  return users.flatMap((u) => (u ? [{ displayName: u.displayName, name: u.upn.slice(0, u.upn.indexOf('@')) }] : []));
}
