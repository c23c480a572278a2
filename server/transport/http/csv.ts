// CSV export (csv-stringify), behind one function. Cells that a spreadsheet would run as a
// formula (=, +, -, @, tab, CR) are prefixed with ' (OWASP: CSV injection).
import { stringify } from 'csv-stringify/sync';

const FORMULA = /^[=+\-@\t\r]/;

export function toCsv(columns: string[], rows: Array<Array<string | number | null>>): string {
  const safe = rows.map((r) => r.map((cell) => (typeof cell === 'string' && FORMULA.test(cell) ? `'${cell}` : cell ?? '')));
  return stringify([columns, ...safe]);
}
