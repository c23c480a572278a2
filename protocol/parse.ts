// One parser per boundary. Each turns `unknown` into a typed message or throws a
// PushkeyError('bad_request') whose message names the field and what was wrong.
import * as v from 'valibot';
import { PushkeyError } from './errors.ts';
import * as m from './messages.ts';

export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown, what: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  const reason = issue.input === undefined && path ? 'is required' : issue.message;
  throw new PushkeyError('bad_request', `Invalid ${what}${path ? ` field "${path}"` : ''}: ${reason}`);
}

/** JSON.parse that answers bad_request instead of throwing a SyntaxError. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PushkeyError('bad_request', `${what} is not valid JSON`);
  }
}

export const parseEnrollRequest = (input: unknown) => parseWith(m.EnrollRequest, input, 'enrollment');
export const parseEnrolled = (input: unknown) => parseWith(m.Enrolled, input, 'enrollment answer');
export const parseServerFrame = (input: unknown) => parseWith(m.ServerFrame, input, 'channel frame');
export const parseDeviceFrame = (input: unknown) => parseWith(m.DeviceFrame, input, 'channel frame');
export const parsePushRequest = (input: unknown) => parseWith(m.PushRequest, input, 'request');
export const parseDeviceResponse = (input: unknown) => parseWith(m.DeviceResponse, input, 'response');
export const parseResult = (input: unknown) => parseWith(m.Result, input, 'result');
export const parseDeviceCommand = (input: unknown) => parseWith(m.DeviceCommand, input, 'device command');
export const parseDeviceAnswer = (input: unknown) => parseWith(m.DeviceAnswer, input, 'server answer');

/** Reads an error answer `{ error, message }`; null when the body is not one. */
export function readErrorAnswer(input: unknown): PushkeyError | null {
  const r = v.safeParse(m.ErrorAnswer, input);
  return r.success ? new PushkeyError(r.output.error, r.output.message, r.output.details) : null;
}
