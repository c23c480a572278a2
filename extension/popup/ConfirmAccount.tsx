// "Add this account?": what a scanned code names (organization, account, server host shown
// large) and the device name, before anything is sent. The tab scan and the shared-window scan
// both end here. The warning: when the page that showed the code is of another origin, a copied
// My Account page could otherwise add an account on a server that mimics the real one.
import type { JSX } from 'preact';
import type { EnrollLink } from '../../protocol/index.ts';
import { Button } from '../ui/components.tsx';
import { t, tParts } from '../ui/i18n.ts';
import { DeviceNameField, useDeviceName } from './DeviceNameField.tsx';

const hostOf = (origin: string) => new URL(origin).host;

export function ConfirmAccount({ link, pageOrigin, onAdd, onCancel }: {
  link: EnrollLink;
  /** The origin of the page the code was read from, when known (a shared window's is not). */
  pageOrigin: string | null; onAdd: (deviceName: string | undefined) => void; onCancel: () => void }): JSX.Element {
  const host = hostOf(link.origin);
  const { name, chosen, setName } = useDeviceName(link.origin);
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        onAdd(chosen);
      }}
    >
      <h2>{t('confirmQuestion')}</h2>
      <dl class="details card" aria-label={t('confirmDetailsLabel')}>
        <dt>{t('confirmOrganization')}</dt>
        <dd>{link.tenant || '—'}</dd>
        <dt>{t('accountTitle')}</dt>
        <dd>{link.user || '—'}</dd>
        <dt>{t('confirmServer')}</dt>
        <dd class="server-host" data-testid="server-host">
          {host}
        </dd>
      </dl>
      {pageOrigin && pageOrigin !== link.origin && (
        <p class="note error" role="alert">
          {tParts<JSX.Element | string>('confirmOtherOrigin', <strong>{URL.canParse(pageOrigin) ? hostOf(pageOrigin) : pageOrigin}</strong>, <strong>{host}</strong>, host)}
        </p>
      )}
      {link.origin.startsWith('http:') && <p class="note info">{t('confirmPlainHttp')}</p>}
      <DeviceNameField value={name} onInput={setName} />
      <Button type="submit" class="btn primary" autoFocus>
        {t('addAccount')}
      </Button>
      <button type="button" class="btn" onClick={onCancel}>
        {t('cancel')}
      </button>
    </form>
  );
}
