import { render } from 'preact';
import '../shared/styles.css';
import { App } from './App.tsx';

render(<App />, document.getElementById('root')!);
