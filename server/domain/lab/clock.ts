// The lab clock: the wall clock plus an offset the instructor moves forward, so that a class
// sees a Temporary Access Pass, a request or a lockout expire without waiting for it. Every
// domain rule reads time through Deps.clock, so in lab mode this clock is that one.
import type { Clock } from '../deps.ts';

export class LabClock implements Clock {
  constructor(
    private readonly wallClock: Clock,
    private offset = 0,
  ) {}
  now(): number {
    return this.wallClock.now() + this.offset;
  }
  wall(): number {
    return this.wallClock.now();
  }
  get offsetMs(): number {
    return this.offset;
  }
  /** Called with the offset the lab's settings hold (at start, and after each fast-forward). */
  setOffset(ms: number): void {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new TypeError(`Lab clock offset must be a whole number of milliseconds ≥ 0, got ${ms}`);
    this.offset = ms;
  }
}

/** How far ahead the lab clock may run in all: past a pass's longest lifetime (30 days) and the default log retention. */
export const MAX_LAB_OFFSET_MS = 90 * 86_400_000;
