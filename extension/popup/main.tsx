import { render } from 'preact';
import '../ui/styles.css';
import { App } from './App.tsx';
import { announcePage } from '../messaging/index.ts';

// Ask once for persistent storage so the browser never evicts the account keys.
void navigator.storage?.persist?.().catch(() => false);

// The worker watches this port: a passwordless setup left half-done here moves to the prompt window.
announcePage('popup');

render(<App />, document.getElementById('root')!);
