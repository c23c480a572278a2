// The push bus for a single instance: an EventEmitter. (PostgreSQL LISTEN/NOTIFY replaces it for many.)
import { EventEmitter } from 'node:events';
import type { BusEvent, PushBus } from '../../domain/authenticator/push-bus.ts';

export function inProcessBus(): PushBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one listener per waiting browser
  return {
    publish: (event) => void emitter.emit('event', event),
    subscribe(handler: (event: BusEvent) => void) {
      emitter.on('event', handler);
      return () => void emitter.off('event', handler);
    },
    listening: () => true,
    close: async () => void emitter.removeAllListeners(),
  };
}
