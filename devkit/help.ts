// The --help text: the flag reference in one place (docs/devkit.md repeats it for the web).
export const HELP = `pushkey-authenticator: a headless pushkey authenticator for tests and CI

Usage:
  pushkey-authenticator enroll <pushkey://enroll?… URI>        [--state FILE] [--name NAME] [--client-version V]
  pushkey-authenticator enroll --code CODE --url SERVER_URL    (the "Can't scan image?" code)
  pushkey-authenticator enroll --url SERVER_URL --user UPN --password P
                                  (pushkey servers: signs in to My Account and asks for the code itself)
  pushkey-authenticator listen    [--account A] [rule] [--control 127.0.0.1:PORT] [--count N] [faults]
  pushkey-authenticator passwordless-setup --password P [--account A] [--number N | --from-my-account]
                                  (the number My Account shows: given with --number, read by signing in to
                                  My Account as the user with --from-my-account, else asked for on the terminal)
  pushkey-authenticator passwordless-disable [--account A]
  pushkey-authenticator remove    [--account A]        (unenroll: the server revokes the device)
  pushkey-authenticator accounts                       (what the state file holds, one JSON line each)
  pushkey-authenticator check <server URL | pushkey://enroll?… URI> --user UPN --password P [--code CODE]
                                  [--json] [--failure-cap N] [--max-wait S] [--skip IDS] [--only IDS]
                                  (conformance checker: the protocol's rules against a server)

Common:
  --state FILE            the state file (default ./pushkey-authenticator.json); it holds several
                          accounts (servers, users, devices) and their private keys in clear
  --account A             the account to use: a device id, a UPN or a server origin (listen: all by default)
  --client-version V      the version the device announces (play an old client; default 1.0.0)
  --capabilities LIST     comma-separated capabilities to announce (default number_match,passwordless,report,push_canonical;
                          leave out push_canonical to be sent v1 pushes, number_match to play a client that cannot match)

listen prints one JSON line per event: ready, connected, request, answer, replay, cancel, revoked,
dropped, rejected (a push whose server signature does not verify), disconnected, error.
A request line: {"event":"request","requestId","deviceId","upn","origin","kind","app","ip","location",
"browser","time","expiresAt","source"}. Pushes never carry the number (the page shows it).

Rules (listen needs a rule or --control; with --control alone, requests wait for a POST /answer):
  --approve-with N        approve every request with the number N
  --deny                  deny every request
  --report                answer "No, it's not me" to every request
  --control HOST:PORT     loopback control port (port 0: any free port, printed in the ready line):
                            GET  /pending                      the held requests
                            POST /answer {"requestId","number"} approve with the number the page shows
                            POST /answer {"requestId","deny":true} | {"requestId","report":true}
                          requestId may be left out when one request is held; the call waits up to
                          waitMs (default 10000) for the request to arrive.
  --count N               exit after N answers

Faults (listen):
  --drop-push             requests arriving on the channel are lost (polls still see them)
  --delay-push MS         a request from the channel is seen MS later
  --answer-late MS        answer MS after the request expired, by the server's clock
  --wrong-number          approve with a number other than the one given
  --bad-signature         flip one bit of each response signature
  --foreign-signature     sign responses with another device's key (another account in the state file, else a fresh key)
  --replay                send each response twice (the second is a replay)
  --clock-skew MS         run the device clock MS ahead (--clock-skew=-MS: behind) for signed commands
  --close-channel-after MS  close the channel MS after each ready ...
  --reconnect-after MS    ... and open it again after MS (default 1000)
  --poll-only             no channel: signed polls only ...
  --poll-interval MS      ... every MS (default 1000)

check (a conformance checker for a pushkey server; it needs no state file):
  It enrolls two devices of its own on the test user's account (A with the activation given: the
  URI, or --code with the server URL; without one, the password alone asks My Account for a code),
  starts sign-ins as that user like a browser, and answers them right and wrong: replay, wrong
  number and the failure cap, another device's key, high-S signatures (which must be accepted),
  tampered request id, number, device id and command timestamp, expiry before and after the
  limit, the channel's hello and auth, a device it removed. It prints one row per rule with what
  it sent, what the protocol expects and what came back (and, unless --json, a "pass|fail|skip ID"
  line per row on stderr as it goes), removes its devices, and exits 1 if any row failed. It locks
  the test user out at the end (the failure-cap check): use a test user.
  --user UPN --password P the test user (taken from the URI's user= when a URI is given)
  --code CODE             an activation code for device A ("Can't scan image?"), with the server URL
  --json                  one JSON document {server, passed, failed, skipped, rows} instead of the table
  --failure-cap N         wrong numbers in a row after which the server locks the user out (default 5)
  --max-wait S            longest wait for a request to expire (default 120); longer lifetimes skip
                          the two expiry rows
  --skip IDS              comma-separated check ids, or their prefixes (revoked, respond.expiry), not to run
  --only IDS              run only these checks (ids or prefixes, as --skip); the others print as SKIP
`;
