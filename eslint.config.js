// The linter: the recommended rules, a few type-aware ones that catch real bugs (a promise
// nobody awaits, an await on something that is not a promise), and the import boundaries
// between the programs. Which folder may import which is the architecture; this file is
// where a tool refuses the imports that would blur it.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** An import of a folder by name, at any depth of `../` (never a package: those are bare). */
const folder = (name) => ({
  regex: String.raw`^\.{1,2}/(?:.*/)?${name}(?:/|$)`,
  message: `This folder may not import ${name}/: the parts talk through protocol/ (and, inside the extension, messaging/).`,
});

const NODE_BUILTINS = {
  regex: String.raw`^(?:node:.*|(?:${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(?:/.*)?)$`,
  message: 'protocol/ is pure and runs in browsers too: no Node built-ins.',
};

/** Packages that only work with a DOM or inside an extension page. */
const DOM_ONLY = {
  regex: '^(?:preact(?:/.*)?|idb|webextension-polyfill|zxing-wasm(?:/.*)?|@simplewebauthn/browser|qrcode)$',
  message: 'protocol/ is pure and runs in Node too: no DOM-only packages.',
};

const boundary = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/** Comments name the reason, never the ticket that asked for the code. */
const noIssueReference = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Forbid comments that name an issue number' },
    schema: [],
    messages: { issue: 'Say why, not which issue asked for it ("{{text}}").' },
  },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const match = /[Ii]ssue\s+\d+/.exec(comment.value);
          if (match) context.report({ loc: comment.loc, messageId: 'issue', data: { text: match[0] } });
        }
      },
    };
  },
};

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'tests/artifacts/', '.data/'] },
  js.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['{protocol,server,site,extension,devkit}/**/*.{ts,tsx}'],
    plugins: { pushkey: { rules: { 'no-issue-reference': noIssueReference } } },
    rules: { 'pushkey/no-issue-reference': 'error' },
  },

  // Who may import whom. Later blocks replace earlier ones for the files they match, so each
  // lists every pattern its folder must honour.
  { files: ['protocol/**/*.ts'], rules: boundary(folder('server'), folder('extension'), folder('site'), NODE_BUILTINS, DOM_ONLY) },
  { files: ['site/**/*.{ts,tsx}'], rules: boundary(folder('server'), folder('extension')) },
  { files: ['extension/**/*.{ts,tsx}'], rules: boundary(folder('server'), folder('site')) },
  // The pages talk to the worker through extension/messaging, never by importing it.
  { files: ['extension/{popup,prompt,offscreen}/**/*.{ts,tsx}'], rules: boundary(folder('server'), folder('site'), folder('background')) },
  { files: ['server/**/*.ts'], rules: boundary(folder('site'), folder('extension'), folder('devkit')) },
  // The devkit is an authenticator from outside: it speaks the protocol, it knows no server internals.
  { files: ['devkit/**/*.ts'], rules: boundary(folder('server'), folder('site'), folder('extension'), folder('tests')) },
  // The domain is plain rules over a repository: it does not know it is served over HTTP.
  { files: ['server/domain/**/*.ts'], rules: boundary(folder('site'), folder('extension'), folder('transport')) },
  // Tests may reach into any part to set it up or look at it.
  { files: ['**/*.test.{ts,tsx}', '**/*.contract.ts', 'tests/**'], rules: { 'no-restricted-imports': 'off' } },
  // The cross-part tests read JSON answers loosely and assert on them field by field; the
  // programs themselves stay free of any.
  { files: ['tests/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
