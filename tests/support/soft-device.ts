// The software authenticator the integration tests drive is the devkit's own (one
// implementation for tests and for `pushkey-authenticator`).
export * from '../../devkit/device.ts';
