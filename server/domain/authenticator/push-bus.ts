// The port through which the domain reaches devices and waiting browsers. In one process
// it is an EventEmitter; with PostgreSQL it becomes LISTEN/NOTIFY so that every instance
// sees every event.
import type { PushRequest } from '../../../protocol/messages.ts';
import type { ChallengeStatus } from '../types.ts';

export type BusEvent =
  | { type: 'push'; deviceId: string; request: PushRequest }
  | { type: 'cancel'; deviceId: string; challengeId: string }
  | { type: 'revoked'; deviceId: string }
  /** A challenge left `pending`: wakes the browser waiting for it. */
  | { type: 'challenge'; challengeId: string; status: ChallengeStatus };

export interface PushBus {
  publish(event: BusEvent): void;
  subscribe(handler: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}
