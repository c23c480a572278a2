// Every word the extension shows comes from _locales/en/messages.json: a key the code asks for
// and the file lacks fails here (a translation could not have it either), a key nobody asks for
// is dead weight for every translator, and words written straight into a page's markup would
// never be translated. The extension's sources are read as TypeScript, not searched as text.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import en from '../public/_locales/en/messages.json' with { type: 'json' };

const EXTENSION = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../../manifest.config.ts', import.meta.url));
const KEYS = new Set(Object.keys(en));
/** The functions that take a message key first (ui/i18n.ts). */
const LOOKUPS = new Set(['t', 'tParts']);
/** JSX attributes a person reads or hears. */
const SHOWN_ATTRIBUTES = new Set(['label', 'title', 'hint', 'placeholder', 'alt', 'aria-label', 'aria-description']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'public' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.(test|contract)\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Findings {
  /** Keys given to t() or tParts() as they are written, with where. */
  asked: { key: string; where: string }[];
  /** Every string literal (a key may reach t() through a variable: a table of labels, a conditional). */
  literals: Set<string>;
  /** Prefixes of keys built at run time: t(`status_${s}`). */
  prefixes: string[];
  /** Words written into markup. */
  inMarkup: string[];
}

function read(files: string[]): Findings {
  const found: Findings = { asked: [], literals: new Set(), prefixes: [], inMarkup: [] };
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const where = (node: ts.Node) => `${relative(EXTENSION, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node)) found.literals.add(node.text);
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && LOOKUPS.has(node.expression.text)) {
        const key = node.arguments[0];
        if (key && ts.isStringLiteralLike(key)) found.asked.push({ key: key.text, where: where(key) });
        else if (key && ts.isTemplateExpression(key)) found.prefixes.push(key.head.text);
        else if (key && (ts.isSatisfiesExpression(key) || ts.isAsExpression(key)) && ts.isTemplateExpression(key.expression)) found.prefixes.push(key.expression.head.text);
      }
      if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) found.inMarkup.push(`${where(node)}: ${node.text.trim()}`);
      if (ts.isJsxAttribute(node) && SHOWN_ATTRIBUTES.has(node.name.getText(source)) && node.initializer && ts.isStringLiteral(node.initializer) && /\p{L}/u.test(node.initializer.text)) {
        found.inMarkup.push(`${where(node)}: ${node.getText(source)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

const manifestKeys = [...readFileSync(MANIFEST, 'utf8').matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]!);

describe('the extension’s words in messages.json', () => {
  const found = read(sourceFiles(EXTENSION));

  it('has every key the code and the manifest ask for', () => {
    expect(found.asked.length).toBeGreaterThan(100);
    expect(found.asked.filter(({ key }) => !KEYS.has(key))).toEqual([]);
    expect(manifestKeys.filter((key) => !KEYS.has(key))).toEqual([]);
    // A key built at run time names a family of keys that exists.
    for (const prefix of found.prefixes) expect([...KEYS].some((key) => key.startsWith(prefix)), prefix).toBe(true);
  });

  it('has no key that nothing asks for', () => {
    const used = (key: string) => found.literals.has(key) || manifestKeys.includes(key) || found.prefixes.some((prefix) => prefix !== '' && key.startsWith(prefix));
    expect([...KEYS].filter((key) => !used(key))).toEqual([]);
  });

  it('writes no words straight into the pages’ markup', () => {
    expect(found.inMarkup).toEqual([]);
  });
});
