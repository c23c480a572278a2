// The port through which the domain reaches devices and waiting browsers. In one process
// it is an EventEmitter; with PostgreSQL it becomes LISTEN/NOTIFY so that every instance
// sees every event.
import type { PushRequest } from '../../../protocol/messages.ts';
import type { ChallengeStatus } from '../types.ts';

export type BusEvent =
  /** `flowId`: the sign-in it is for, whose trace records the delivery. */
  | { type: 'push'; deviceId: string; request: PushRequest; flowId?: string }
  | { type: 'cancel'; deviceId: string; challengeId: string }
  | { type: 'revoked'; deviceId: string }
  /** A challenge left `pending`: wakes the browser waiting for it. */
  | { type: 'challenge'; challengeId: string; status: ChallengeStatus }
  /**
   * Local only, never published: the bus was cut off and is back, so events may have been missed
   * here. Connected devices get their pending requests again; waiting browsers look again.
   */
  | { type: 'resync' };

export interface PushBus {
  publish(event: BusEvent): void;
  subscribe(handler: (event: BusEvent) => void): () => void;
  /** False while this instance cannot hear other instances' events (its LISTEN connection is down). */
  listening(): boolean;
  close(): Promise<void>;
}
