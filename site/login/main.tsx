import { render } from 'preact';
import '../shared/styles.css';
import { SignIn } from './SignIn.tsx';

render(<SignIn />, document.getElementById('root')!);
