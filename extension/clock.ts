// The extension's clock, like the server's injected Clock. The worker and its storage read
// the time only here (expiry, signed command timestamps, when a request arrived), so a test
// sets it exactly, at and past a limit, instead of sleeping: vi.spyOn(clock, 'now').
// The pages format times for people and read the browser's clock directly.
export const clock: { now(): number } = {
  now: () => Date.now(),
};
