// Serves the built site (dist/site) when it exists; the API works without it.
import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

export function serveStatic(app: Express): void {
  const root = path.resolve('dist/site');
  if (existsSync(root)) app.use(express.static(root, { index: 'index.html', extensions: ['html'] }));
}
