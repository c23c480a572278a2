// An injected clock that moves only when a test says so: expiry, lockout and TAP
// lifetimes are tested exactly at and past their limits, without sleeping.
import type { Clock } from '../../server/domain/deps.ts';

export class ManualClock implements Clock {
  constructor(private t = Date.UTC(2026, 10, 28, 12, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
