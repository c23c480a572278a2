// The conformance checks: each row is one rule of docs/protocol.md tried against a server, with
// what was sent, what the protocol says must come back, and what did. Rows are grouped in
// scenarios that share a sign-in; a scenario that breaks down fails the rows it had left.
import { commandBytes, channelAuthBytes } from '../protocol/signed-bytes.ts';
import { sign } from '../protocol/webcrypto.ts';
import { postJson, type HttpAnswer, type LooseBody, type SoftDevice } from './device.ts';
import { flipBit, otherNumber, toHighS } from './faults.ts';
import { deviceB, openBareChannel, readPush, serverNow, signIn, type BareChannel, type CheckSession, type SignIn } from './check-session.ts';
import { startPushSignIn } from './site-client.ts';

export type Result = 'pass' | 'fail' | 'skip';

export interface Row {
  id: string;
  /** The rule, with the section of docs/protocol.md that states it. */
  rule: string;
  result: Result;
  sent: string;
  expected: string;
  got: string;
}

export interface CheckOptions {
  /** Consecutive wrong numbers after which the server must lock the user out (the policy's cap). */
  failureCap: number;
  /** The longest the expiry checks may wait for a request to expire; longer lifetimes skip them. */
  maxWaitMs: number;
  /** Row ids (or prefixes of ids) not to run. */
  skip: string[];
  /** Row ids (or prefixes of ids) to run, and no others; empty: every row. */
  only: string[];
}

/** Whether `id` is one of `names`, or starts with one of them up to a dot or a dash ("revoked", "respond.expiry"). */
export const namedBy = (id: string, names: readonly string[]): boolean => names.some((p) => id === p || id.startsWith(`${p}.`) || id.startsWith(`${p}-`));

interface RowSpec {
  id: string;
  rule: string;
  expected: string;
}

/** Records the rows of one scenario, in the order of its specs. */
class Recorder {
  readonly rows = new Map<string, Row>();
  constructor(private readonly specs: RowSpec[]) {}

  /** Records a row: it passes when what came back is what the protocol expects. */
  row(id: string, sent: string, got: string): void {
    const spec = this.spec(id);
    this.rows.set(id, { ...spec, sent, got, result: got === spec.expected ? 'pass' : 'fail' });
  }

  skip(id: string, why: string): void {
    this.rows.set(id, { ...this.spec(id), sent: '', got: why, result: 'skip' });
  }

  /** Rows the scenario did not reach fail with what stopped it. */
  finish(error: unknown): Row[] {
    for (const spec of this.specs) {
      if (!this.rows.has(spec.id)) this.rows.set(spec.id, { ...spec, sent: '', got: `not run: ${error instanceof Error ? error.message : String(error)}`, result: 'fail' });
    }
    return this.specs.map((s) => this.rows.get(s.id)!);
  }

  private spec(id: string): RowSpec {
    const s = this.specs.find((x) => x.id === id);
    if (!s) throw new TypeError(`no row ${id} in this scenario`);
    return s;
  }
}

interface Scenario {
  rows: RowSpec[];
  run(s: CheckSession, r: Recorder, opts: CheckOptions): Promise<void>;
}

const P = 'docs/protocol.md';
const short = (id: string) => `${id.slice(0, 6)}…`;
/** An HTTP answer as the table shows it: the status and the result or error code. */
export const said = (a: HttpAnswer<LooseBody>): string =>
  a.status === 200 ? `200 ${a.body.outcome ?? a.body.type ?? ''}`.trim() : `${a.status} ${a.body.error ?? String(a.body.text ?? '').slice(0, 60)}`;

const respondUrl = (s: CheckSession) => `${s.target.origin}/api/device/respond`;
const commandUrl = (s: CheckSession) => `${s.target.origin}/api/device/command`;

/** Ends a request the scenario no longer needs, so it does not count as unanswered (the answer is not checked: it may be over). */
const settle = async (s: CheckSession, flow: SignIn) => void (await s.a.respond(flow.push, 'deny'));

const sleepUntil = async (s: CheckSession, serverTime: number) => {
  const wait = serverTime - serverNow(s);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};

const correct: Scenario = {
  rows: [
    { id: 'respond.correct-number', rule: `${P} §8.3 step 8: the right number approves, and the browser that started the sign-in is signed in`, expected: '200 approved; browser signed_in' },
    { id: 'respond.replay', rule: `${P} §8.3 step 5, §11 Replay: an answer sent again finds the request consumed`, expected: '409 challenge_consumed' },
    { id: 'channel.push-signed', rule: `${P} §3 The server key, §8.2: every push verifies with the server key pinned at enrollment`, expected: 'verifies' },
  ],
  async run(s, r) {
    const flow = await signIn(s);
    r.row('channel.push-signed', `sign-in of ${s.target.upn}; push ${short(flow.push.challengeId)} received on A's channel`, flow.pushVerified ? 'verifies' : 'does not verify with the pinned server key');
    const body = await s.a.buildResponse(flow.push, 'approve', flow.number);
    const first = await postJson<LooseBody>(respondUrl(s), body);
    const status = first.status === 200 ? (await flow.browser.status(flow.flowId)).body.status : 'not asked';
    r.row('respond.correct-number', `A approves ${short(body.challengeId)} with "${flow.number}", the number the page shows`, `${said(first)}; browser ${String(status)}`);
    const again = await postJson<LooseBody>(respondUrl(s), body);
    r.row('respond.replay', `the same signed approval of ${short(body.challengeId)} again`, said(again));
  },
};

const wrongNumber: Scenario = {
  rows: [
    { id: 'respond.wrong-number', rule: `${P} §8.3 step 8: a number other than the one shown is refused`, expected: '422 number_mismatch' },
    { id: 'respond.after-wrong-number', rule: `${P} §8.3 step 8, §11: a wrong number ends the request (it is not a retry); the right number then finds it consumed`, expected: '409 challenge_consumed' },
  ],
  async run(s, r) {
    const flow = await signIn(s);
    const wrong = otherNumber(flow.number);
    const res = await s.a.respond(flow.push, 'approve', wrong);
    r.row('respond.wrong-number', `A approves ${short(flow.push.challengeId)} with "${wrong}" (the page shows "${flow.number}")`, said(res));
    const right = await s.a.respond(flow.push, 'approve', flow.number);
    r.row('respond.after-wrong-number', `then A approves ${short(flow.push.challengeId)} with "${flow.number}"`, said(right));
  },
};

const tampered: Scenario = {
  rows: [
    { id: 'respond.tampered-request-id', rule: `${P} §4, §8.3 step 3: the server rebuilds the signed bytes from its own record of the request`, expected: '401 signature_invalid' },
    { id: 'respond.foreign-key', rule: `${P} §8.3 step 3: an answer is verified with the key of the device it names`, expected: '401 signature_invalid' },
    { id: 'respond.tampered-number', rule: `${P} §4, §8.3 step 3: the number is signed; one changed after signing does not verify`, expected: '401 signature_invalid' },
    { id: 'respond.tampered-device-id', rule: `${P} §4, §8.3 step 3: the device id is signed and picks the key; another device's id does not verify`, expected: '401 signature_invalid' },
  ],
  async run(s, r) {
    const x = await signIn(s);
    const y = await signIn(s);
    try {
      const forX = await s.a.buildResponse(x.push, 'approve', x.number);
      const asY = await postJson<LooseBody>(respondUrl(s), { ...forX, challengeId: y.push.challengeId });
      r.row('respond.tampered-request-id', `A's approval signed for ${short(x.push.challengeId)}, sent as ${short(y.push.challengeId)} (also pending)`, said(asY));

      const signedWrong = await s.a.buildResponse(x.push, 'approve', otherNumber(x.number));
      const swapped = await postJson<LooseBody>(respondUrl(s), { ...signedWrong, number: x.number });
      r.row('respond.tampered-number', `A's approval signed over "${otherNumber(x.number)}", sent with "${x.number}"`, said(swapped));

      // The two that need device B last, so that the two above run without it.
      const b = deviceB(s);
      const foreign = await s.a.buildResponse(x.push, 'approve', x.number, { key: b.keys.privateKey });
      r.row('respond.foreign-key', `an approval of ${short(x.push.challengeId)} naming A, signed with B's key`, said(await postJson<LooseBody>(respondUrl(s), foreign)));

      const asB = await postJson<LooseBody>(respondUrl(s), { ...forX, deviceId: b.deviceId });
      r.row('respond.tampered-device-id', `A's approval of ${short(x.push.challengeId)}, sent with B's device id`, said(asB));
    } finally {
      await settle(s, x);
      await settle(s, y);
    }
  },
};

const highS: Scenario = {
  rows: [{ id: 'respond.high-s', rule: `${P} §3: high-S signatures MUST be accepted (WebCrypto makes them half the time)`, expected: '200 approved' }],
  async run(s, r) {
    const flow = await signIn(s);
    const body = await s.a.buildResponse(flow.push, 'approve', flow.number);
    const high = { ...body, signature: toHighS(body.signature) };
    const res = await postJson<LooseBody>(respondUrl(s), high);
    r.row('respond.high-s', `A approves ${short(flow.push.challengeId)} with "${flow.number}", its signature's s replaced by n − s (high-S)`, said(res));
    if (res.status !== 200) await settle(s, flow);
  },
};

const commands: Scenario = {
  rows: [
    { id: 'command.tampered-timestamp', rule: `${P} §9: the timestamp is signed; one changed after signing does not verify`, expected: '401 signature_invalid' },
    { id: 'command.replay', rule: `${P} §9 step 5, §11 Replay: a command's timestamp must be newer than the last accepted; the same poll again is refused`, expected: '400 clock_skew' },
    { id: 'command.skewed-timestamp', rule: `${P} §9 step 4: a timestamp more than 5 minutes from the server's clock is refused`, expected: '400 clock_skew' },
  ],
  async run(s, r) {
    const a = s.a;
    const poll = async (signed: number, sent = signed) => {
      const signature = a.shapeSignature(await sign(a.keys.privateKey, commandBytes({ type: 'poll', origin: a.origin, deviceId: a.deviceId, timestamp: signed })));
      const body = { type: 'poll', deviceId: a.deviceId, timestamp: sent, signature };
      const answer = await postJson<LooseBody>(commandUrl(s), body);
      // What the server accepted is its new last timestamp (§9 step 5); A's later commands go past it.
      if (answer.status === 200) a.lastTimestamp = Math.max(a.lastTimestamp, sent);
      return { body, answer };
    };
    const t = Math.max(Date.now(), a.lastTimestamp + 1);
    const tampered = await poll(t, t + 1);
    r.row('command.tampered-timestamp', `A's poll signed at ${t}, sent with timestamp ${t + 1}`, said(tampered.answer));

    const fresh = await poll(Math.max(Date.now(), a.lastTimestamp + 1));
    const again = await postJson<LooseBody>(commandUrl(s), fresh.body);
    r.row('command.replay', `A's poll at ${fresh.body.timestamp} (answered ${said(fresh.answer)}), then the same body again`, said(again));

    const ahead = await poll(Math.max(Date.now(), a.lastTimestamp + 1) + 6 * 60_000);
    r.row('command.skewed-timestamp', 'A\'s poll stamped 6 minutes ahead of the real clock', said(ahead.answer));
  },
};

/** Sends `device`'s auth signed over `nonce` (then bent by `tamper`) on `ch`: what the server answered, "ready" or "error <code>". */
async function authenticate(ch: BareChannel, device: SoftDevice, nonce: string, tamper: (signature: string) => string = (x) => x): Promise<string> {
  const signature = device.shapeSignature(await sign(device.keys.privateKey, channelAuthBytes({ origin: device.origin, nonce, deviceId: device.deviceId })));
  ch.send({ type: 'auth', deviceId: device.deviceId, signature: tamper(signature) });
  const f = await ch.next((x) => x.type === 'ready' || x.type === 'error');
  if (!f) return 'no answer in 5 s';
  return f.type === 'error' ? `error ${String(f.error)}` : String(f.type);
}

const channel: Scenario = {
  rows: [
    { id: 'channel.hello-fresh-nonce', rule: `${P} §7.1 step 1: every socket's hello carries a fresh nonce`, expected: 'two sockets, two nonces' },
    { id: 'channel.auth-bad-signature', rule: `${P} §7.1 step 3: an auth whose signature does not verify is refused with an error frame`, expected: 'error signature_invalid' },
    { id: 'channel.auth-old-nonce', rule: `${P} §7.1, §11 Replay: the auth signs this socket's nonce; one signed over another socket's hello is refused`, expected: 'error signature_invalid' },
  ],
  async run(s, r) {
    const a = s.a;
    const first = await openBareChannel(s.target.origin);
    const second = await openBareChannel(s.target.origin);
    try {
      const distinct = first.hello.nonce !== second.hello.nonce;
      r.row('channel.hello-fresh-nonce', 'two sockets opened to the channel', distinct ? 'two sockets, two nonces' : `both hellos carry ${first.hello.nonce}`);
      r.row('channel.auth-bad-signature', `auth for A over the hello's nonce, one bit of the signature flipped`, await authenticate(first, a, first.hello.nonce, flipBit));
      r.row('channel.auth-old-nonce', `auth for A signed over the first socket's nonce, sent on the second`, await authenticate(second, a, first.hello.nonce));
    } finally {
      first.close();
      second.close();
    }
  },
};

const revoked: Scenario = {
  rows: [
    { id: 'revoked.respond', rule: `${P} §8.3 step 4, §9.4, §11 Keys: a removed device's answer is refused at once`, expected: '403 device_revoked' },
    { id: 'revoked.command', rule: `${P} §9 step 3, §9.4: a removed device's commands are refused`, expected: '403 device_revoked' },
    { id: 'revoked.channel', rule: `${P} §7.1 step 3, §7.5: a removed device's channel auth is refused`, expected: 'error device_revoked' },
  ],
  async run(s, r) {
    const b = deviceB(s);
    const flow = await signIn(s);
    try {
      const gone = await b.command('unenroll');
      const frame = await b.next((f) => f.type === 'revoked', 2000).then(
        () => 'revoked frame on its channel',
        () => 'no revoked frame on its channel',
      );
      const did = `B unenrolls (${said(gone)}; ${frame}), then`;
      const answer = await b.respond({ challengeId: flow.push.challengeId, nonce: flow.push.nonce }, 'approve', flow.number);
      r.row('revoked.respond', `${did} approves ${short(flow.push.challengeId)} with "${flow.number}"`, said(answer));
      r.row('revoked.command', `${did} sends a signed poll`, said(await b.command('poll')));
      const ch = await openBareChannel(s.target.origin);
      try {
        r.row('revoked.channel', `${did} authenticates a new socket`, await authenticate(ch, b, ch.hello.nonce));
      } finally {
        ch.close();
      }
    } finally {
      b.close();
      await settle(s, flow);
    }
  },
};

/** Two sign-ins at once: one answered just before its push's expiresAt, one just after, by the server's clock. */
function expiry(): Scenario & { start(s: CheckSession): Promise<void> } {
  let pair: Promise<[SignIn, SignIn]> | null = null;
  const marginMs = 1000;
  const scenario = {
    rows: [
      { id: 'respond.expiry-at-limit', rule: `${P} §8.3 step 5, §11 Expiry: an answer before expiresAt (server clock) is accepted`, expected: '200 approved' },
      { id: 'respond.expiry-past', rule: `${P} §8.3 step 5, §11 Expiry: an answer after expiresAt is refused`, expected: '410 challenge_expired' },
    ],
    /** Starts both sign-ins, so that the wait runs while the other scenarios do. */
    start(s: CheckSession) {
      pair = Promise.all([signIn(s), signIn(s)]);
      pair.catch(() => {}); // run() reports it
      return Promise.resolve();
    },
    async run(s: CheckSession, r: Recorder, opts: CheckOptions) {
      const [early, late] = await pair!;
      const lifetime = early.push.expiresAt - early.push.context.time;
      if (lifetime > opts.maxWaitMs) {
        const why = `the push expires ${lifetime / 1000} s after it was made, more than --max-wait ${opts.maxWaitMs / 1000} s`;
        r.skip('respond.expiry-at-limit', why);
        r.skip('respond.expiry-past', why);
        await settle(s, early);
        await settle(s, late);
        return;
      }
      await sleepUntil(s, early.push.expiresAt - marginMs);
      const before = await s.a.respond(early.push, 'approve', early.number);
      r.row('respond.expiry-at-limit', `A approves ${short(early.push.challengeId)} with the right number ${marginMs} ms before its expiresAt (${lifetime / 1000} s lifetime)`, said(before));
      await sleepUntil(s, late.push.expiresAt + marginMs);
      const after = await s.a.respond(late.push, 'approve', late.number);
      r.row('respond.expiry-past', `A approves ${short(late.push.challengeId)} with the right number ${marginMs} ms after its expiresAt`, said(after));
    },
  };
  return scenario;
}

const failureCap: Scenario = {
  rows: [
    { id: 'respond.failure-cap', rule: `${P} §8.3 step 8, §13: consecutive wrong numbers are capped per user; at the cap the user is locked out`, expected: '423 locked_out' },
  ],
  async run(s, r, opts) {
    // A right answer first: the count starts from zero.
    const reset = await signIn(s);
    await s.a.respond(reset.push, 'approve', reset.number);
    const refused: string[] = [];
    for (let i = 0; i < opts.failureCap; i++) {
      const flow = await signIn(s);
      refused.push(said(await s.a.respond(flow.push, 'approve', otherNumber(flow.number))));
    }
    const next = await startPushSignIn(s.target.origin, s.target.upn, s.target.password);
    const sent = `${opts.failureCap} sign-ins each approved with a wrong number (${[...new Set(refused)].join(', ')}), then the password again`;
    if (next.ok) {
      r.row('respond.failure-cap', sent, 'a new sign-in and push (not locked out)');
      const held = await s.a.next((f) => f.type === 'request' && f.challengeId === next.challenge.challengeId, 10_000).catch(() => null);
      if (held?.type === 'request') await s.a.respond((await readPush(s.a, held)).push, 'deny');
    } else {
      r.row('respond.failure-cap', sent, said(next.answer as HttpAnswer<LooseBody>));
    }
  },
};

/** Every row id, in the order the table prints them. */
export const ROW_IDS = [correct, wrongNumber, tampered, highS, commands, channel, revoked, expiry(), failureCap].flatMap((sc) => sc.rows.map((row) => row.id));

/** Runs every check against the session's server; the rows in ROW_IDS order. */
export async function runChecks(s: CheckSession, opts: CheckOptions, progress: (row: Row) => void = () => {}): Promise<Row[]> {
  const left = (id: string): string | null => (namedBy(id, opts.skip) ? 'skipped (--skip)' : opts.only.length > 0 && !namedBy(id, opts.only) ? 'not selected (--only)' : null);
  const skipped = (id: string) => left(id) !== null;
  const exp = expiry();
  const wanted = (sc: Scenario) => sc.rows.some((row) => !skipped(row.id));
  // The expiry pair waits in the background; the failure cap runs last, after it (an approval resets the count).
  if (wanted(exp)) await exp.start(s);
  const rows: Row[] = [];
  for (const sc of [correct, wrongNumber, tampered, highS, commands, channel, revoked, exp, failureCap]) {
    const r = new Recorder(sc.rows);
    let error: unknown = new Error('the scenario ended without it');
    if (wanted(sc)) {
      try {
        await sc.run(s, r, opts);
      } catch (e) {
        error = e;
      }
    }
    for (const row of r.finish(error)) {
      const why = left(row.id);
      if (why) Object.assign(row, { result: 'skip', sent: '', got: why });
      progress(row);
      rows.push(row);
    }
  }
  return rows;
}
