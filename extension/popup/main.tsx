import { render } from 'preact';
import '../ui/styles.css';
import { App } from './App.tsx';

// Ask once for persistent storage so the browser never evicts the account keys.
void navigator.storage?.persist?.().catch(() => false);

render(<App />, document.getElementById('root')!);
