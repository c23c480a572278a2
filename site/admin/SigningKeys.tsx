// The OpenID provider's signing keys on the App registrations page: which pair signs tokens
// now, which retired ones are still published and until when, and "Rotate signing keys".
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { admin } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Badge, Button, ConfirmDialog, ErrorNotice, Notice, Spinner, Table } from '../shared/ui.tsx';

const hours = (ms: number): string => {
  const h = Math.round(ms / 3_600_000);
  return `${h} hour${h === 1 ? '' : 's'}`;
};

export function SigningKeysPanel(): JSX.Element {
  const keys = useLoad(admin.signingKeys);
  const [confirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState<string[] | null>(null);
  const rotate = useAction(async () => {
    // The key the page shows as current: if someone rotated meanwhile, the server says so instead of rotating again.
    const after = await admin.rotateSigningKeys(keys.data!.keys.find((k) => k.status === 'current')!.kid);
    setConfirming(false);
    setRotated(after.keys.filter((k) => k.status === 'current').map((k) => k.kid));
    await keys.reload();
  });
  const retention = keys.data ? hours(keys.data.retentionMs) : '';
  return (
    <section class="panel stack" aria-labelledby="signing-keys-title">
      <div class="panel-head">
        <h2 id="signing-keys-title">Signing keys</h2>
        <Button onClick={() => setConfirming(true)} disabled={!keys.data}>
          Rotate signing keys
        </Button>
      </div>
      <p class="muted">
        pushkey signs every ID token with its current key pair (RS256 and ES256). Apps check the signature against the keys published at <code>{location.origin}/oidc/jwks</code>.
      </p>
      {rotated && (
        <Notice kind="success" title="Signing keys rotated">
          New tokens are signed with {rotated.join(' and ')}. The keys before them stay published for {retention}.
        </Notice>
      )}
      <ErrorNotice message={keys.error} />
      {!keys.data ? (
        <Spinner label="Loading signing keys…" />
      ) : (
        <Table columns={['Key ID', 'Algorithm', 'Status', 'Made']}>
          {keys.data.keys.map((k) => (
            <tr key={k.kid}>
              <td class="mono">{k.kid}</td>
              <td>{k.alg}</td>
              <td>{k.status === 'current' ? <Badge kind="ok">Signs new tokens</Badge> : <Badge>Retired · published until {formatDateTime(k.publishedUntil)}</Badge>}</td>
              <td>{formatDateTime(k.createdAt)}</td>
            </tr>
          ))}
        </Table>
      )}
      {confirming && (
        <ConfirmDialog title="Rotate the signing keys?" confirm="Rotate signing keys" onClose={() => setConfirming(false)} onConfirm={() => void rotate.run()} busy={rotate.busy} error={rotate.error}>
          A new key pair signs every token from now on. The current keys are retired: they sign nothing more, but stay in the JWKS for {retention}, until no token they
          signed can still be presented, so apps keep accepting the sign-ins made before. Other pushkey instances switch within a minute. Rotate when a key may have leaked, or on
          your schedule.
        </ConfirmDialog>
      )}
    </section>
  );
}
