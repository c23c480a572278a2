import { render } from 'preact';
import '../ui/styles.css';
import { ScanWindow } from './ScanWindow.tsx';

render(<ScanWindow />, document.getElementById('root')!);
