// The popup: a small state machine of screens, modelled on Microsoft Authenticator.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { AccountList } from './AccountList.tsx';
import { AccountPage } from './AccountPage.tsx';
import { AccountSettings } from './AccountSettings.tsx';
import { AddAccount } from './AddAccount.tsx';
import { AppLock } from './AppLock.tsx';
import { ManualCode } from './ManualCode.tsx';
import { PasswordlessSetup } from './PasswordlessSetup.tsx';
import { RequestDetails } from './RequestDetails.tsx';
import { ScanQr } from './ScanQr.tsx';
import { useAccounts } from './use-accounts.ts';

export type Screen =
  | { name: 'accounts' }
  | { name: 'account'; deviceId: string }
  | { name: 'request'; deviceId: string; key: string }
  | { name: 'settings'; deviceId: string }
  | { name: 'setup'; deviceId: string }
  | { name: 'add' }
  | { name: 'scan' }
  | { name: 'manual' }
  | { name: 'lock' };

export type Go = (screen: Screen) => void;

export function App(): JSX.Element {
  const [screen, go] = useState<Screen>({ name: 'accounts' });
  const { accounts, error } = useAccounts();
  const [notice, setNotice] = useState<string | null>(null);
  const home = () => go({ name: 'accounts' });
  const added = (deviceId: string) => go({ name: 'account', deviceId });

  let body: JSX.Element;
  switch (screen.name) {
    case 'accounts':
      body = <AccountList accounts={accounts} error={error} go={go} notice={notice} />;
      break;
    case 'add':
      body = <AddAccount go={go} />;
      break;
    case 'scan':
      body = <ScanQr go={go} onAdded={added} />;
      break;
    case 'manual':
      body = <ManualCode go={go} onAdded={added} />;
      break;
    case 'lock':
      body = <AppLock onBack={home} />;
      break;
    default: {
      const account = accounts?.find((a) => a.deviceId === screen.deviceId);
      if (!account) {
        body = <AccountList accounts={accounts} error={error} go={go} />;
        break;
      }
      if (screen.name === 'account') body = <AccountPage account={account} go={go} onBack={home} />;
      else if (screen.name === 'request') body = <RequestDetails account={account} requestKey={screen.key} onBack={() => go({ name: 'account', deviceId: account.deviceId })} />;
      else if (screen.name === 'settings')
        body = (
          <AccountSettings
            account={account}
            go={go}
            onRemoved={(n) => {
              setNotice(n);
              home();
            }}
          />
        );
      else body = <PasswordlessSetup account={account} onClose={() => go({ name: 'account', deviceId: account.deviceId })} />;
    }
  }
  return <div class="app popup">{body}</div>;
}
