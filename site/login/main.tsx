import { render } from 'preact';
import '../shared/styles.css';
import { LabBanner } from '../shared/lab-banner.tsx';
import { SignIn } from './SignIn.tsx';

render(
  <>
    <LabBanner />
    <SignIn />
  </>,
  document.getElementById('root')!,
);
