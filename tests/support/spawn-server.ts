// Runs a server program as its own process (npm start, or a bare node:http server for the
// bench's baseline) and resolves once it prints that it is listening.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Spawned {
  child: ChildProcess;
  /** Everything it printed to stdout so far. */
  output: () => string;
  /** Everything it printed to stderr so far. */
  errors: () => string;
  /** SIGTERM to its process group, then its exit code. */
  stop: () => Promise<number | null>;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once stdout matches `ready`; a program that exits first, or is not ready within `timeoutMs`, is stopped and the promise rejects. */
export async function spawnServer(command: string, args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Spawned> {
  // Its own process group, so that stop() reaches the server under `npm start` too (npm does
  // not always pass SIGTERM on).
  const child = spawn(command, args, { detached: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));
  const stop = () => {
    if (running) process.kill(-child.pid!, 'SIGTERM');
    return exited;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += String(d);
        if (ready.test(out)) resolve();
      });
      void exited.then((code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before it was ready:\n${out}\n${err}`)));
      timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} was not ready after ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    });
  } catch (e) {
    await stop();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return { child, output: () => out, errors: () => err, stop };
}
