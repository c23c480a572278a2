// The offscreen document: it holds a port to the worker so that a stopped worker starts again
// at once (messaging/wake-port.ts). It has no other job and no UI.
import { keepWorkerAwake } from '../messaging/wake-port.ts';

keepWorkerAwake();
