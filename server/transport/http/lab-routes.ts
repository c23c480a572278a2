// The classroom lab's routes: the banner's status, the instructor's board, the lab clock.
import { api } from '../../../protocol/http/index.ts';
import { labBoard } from '../../domain/lab/board.ts';
import { fastForward, labStatus } from '../../domain/lab/fast-forward.ts';
import type { Handlers } from './mount.ts';

export const labHandlers: Handlers<typeof api.lab> = {
  status: async ({ d }) => labStatus(d),
  board: ({ d, caller }) => labBoard(d, caller),
  fastForward: ({ d, caller, body }) => fastForward(d, caller, body.minutes),
};
