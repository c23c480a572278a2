// A virtual X screen (Debian's xvfb, which .ci/run installs) for a browser that must run with
// windows rather than headless: Firefox shares a screen only where it has one. The server picks a
// free display number itself and writes it to the pipe given with -displayfd, so two runs never
// collide; stop() ends it.
import { spawn } from 'node:child_process';

export const XVFB_PATH = process.env.XVFB_PATH ?? '/usr/bin/Xvfb';

export interface Xvfb {
  /** The DISPLAY value, like ":99". */
  display: string;
  stop(): Promise<void>;
}

export async function startXvfb(size = '1280x800'): Promise<Xvfb> {
  // fd 3 is where Xvfb writes the display number once it accepts clients.
  const child = spawn(XVFB_PATH, ['-displayfd', '3', '-screen', '0', `${size}x24`, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdio[3]!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('error', (err) => reject(new Error(`${XVFB_PATH} did not start (${err.message}); apt-get install xvfb`)));
    child.once('exit', (code) => reject(new Error(`${XVFB_PATH} exited with ${code}: ${stderr.trim()}`)));
  });
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    display: `:${number}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
