#!/usr/bin/env node
// The pushkey-authenticator command. It runs the TypeScript in devkit/ through tsx's loader, so a
// checkout needs no build step: `npm install`, then `npx pushkey-authenticator --help`.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
