// The child's side of the messages support/server-child.ts speaks: a hello with the origin and
// the clock, 'cpu' answered with the process's CPU time in µs, 'stop'; `other` answers the rest.
export function answerParent(hello: { origin: string; now: number }, stop: () => Promise<void>, other: (m: object) => unknown = () => undefined): void {
  const send = (m: unknown) => process.send!(m);
  process.on('message', (m: unknown) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      send({ cpuUs: u.user + u.system });
    } else if (m === 'stop') void stop().then(() => process.exit(0));
    else if (typeof m === 'object' && m !== null) send(other(m));
  });
  send(hello);
}
