import { render } from 'preact';
import '../ui/styles.css';
import { Prompt } from './Prompt.tsx';

render(<Prompt />, document.getElementById('root')!);
