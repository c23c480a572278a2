// Runs the real pushkey-authenticator binary (devkit/bin.mjs) as a child process: one-shot
// commands to completion, and `listen` as a process whose JSON lines a test reads. Every child
// is killed on timeout, and by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../../devkit/bin.mjs');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines. */
  lines: any[];
}

const jsonLines = (text: string): any[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

/** Runs a command to its end; killed (and rejected) after `timeoutMs`. */
export function runAuthenticator(args: string[], opts: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<Finished> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  child.stdin.end(opts.input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pushkey-authenticator ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 30_000} ms:\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, lines: jsonLines(stdout) });
    });
  });
}

export interface Running {
  child: ChildProcess;
  lines: () => any[];
  stderr: () => string;
  /** Waits for a line matching `pick`; rejects after `timeoutMs` or when the process exits. */
  waitFor(pick: (line: any) => boolean, timeoutMs?: number): Promise<any>;
  /** SIGTERM (SIGKILL after 5 s), then the exit code. */
  stop(): Promise<number | null>;
}

export function startAuthenticator(args: string[], opts: { cwd?: string } = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => ((exited = true), resolve(code))));
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    stdout += String(d);
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const lines = () => jsonLines(stdout.slice(0, stdout.lastIndexOf('\n') + 1));
  return {
    child,
    lines,
    stderr: () => stderr,
    waitFor(pick, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines().find(pick);
          if (hit) return done(() => resolve(hit));
          if (exited) done(() => reject(new Error(`pushkey-authenticator exited:\n${stdout}\n${stderr}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no such line within ${timeoutMs} ms:\n${stdout}\n${stderr}`))), timeoutMs);
        const done = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        void exit.then(check);
        check();
      });
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exit;
      clearTimeout(kill);
      return code;
    },
  };
}
