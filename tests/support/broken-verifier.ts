// The device-signature verifier with one rule switched off, for the broken server: a test file
// mocks server/domain/authenticator/device-keys.ts with brokenDeviceKeys and sets the mode.
// Nothing here is imported by the server itself.
import { fromB64u } from '../../protocol/encoding.ts';
import { isHighS } from '../../devkit/faults.ts';
import type * as DeviceKeys from '../../server/domain/authenticator/device-keys.ts';

export type VerifierBreak = 'skip-signature' | 'reject-high-s';

/** The break in effect (none: the real verifier). */
export const verifier: { broken: VerifierBreak | null } = { broken: null };

export function brokenDeviceKeys(real: typeof DeviceKeys): typeof DeviceKeys {
  return {
    ...real,
    verifyDeviceSignature(device, bytes, signature) {
      // Every signature "verifies": what a server that forgot the check does.
      if (verifier.broken === 'skip-signature') return true;
      // A low-S-only verifier (noble-curves' default, Bitcoin's rule): refuses honest WebCrypto signatures half the time.
      const sig = fromB64u(signature);
      if (verifier.broken === 'reject-high-s' && sig && isHighS(sig)) return false;
      return real.verifyDeviceSignature(device, bytes, signature);
    },
  };
}
