// The shared contract of server, extension and site. Pure: no I/O.
export * from './errors.ts';
export * from './encoding.ts';
export * from './version.ts';
export * from './signed-bytes.ts';
export * from './canonical-json.ts';
export * from './push.ts';
export * from './messages.ts';
export * from './parse.ts';
export * from './keys.ts';
export * from './enroll-uri.ts';
export * from './activation-code.ts';
export * from './failure-reasons.ts';
export * from './webcrypto.ts';
