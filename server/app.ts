// createApp(deps) builds the HTTP app and the device channel; it never listens.
// main.ts (and tests, on port 0) own the server.
import express, { type Express } from 'express';
import type { Server } from 'node:http';
import type { Deps } from './domain/deps.ts';
import { mountApi } from './transport/http/api.ts';
import { deviceRoutes } from './transport/http/device-routes.ts';
import { docsRoutes } from './transport/http/docs.ts';
import { errorHandler, notFound } from './transport/http/errors.ts';
import type { HttpDeps } from './transport/http/http-deps.ts';
import { requestLogger } from './transport/http/logging.ts';
import { refuseCrossOrigin } from './transport/http/cross-origin.ts';
import { defaultLimiters, type Limiters } from './transport/http/rate-limit.ts';
import { noStore, securityHeaders } from './transport/http/security-headers.ts';
import { mountOidc, type Oidc } from './transport/oidc/mount.ts';
import { attachChannel, createChannel, DEFAULT_CHANNEL_OPTIONS, type Channel, type ChannelOptions } from './transport/push/channel.ts';

export interface AppOptions {
  limiters?: Limiters;
  channel?: Partial<ChannelOptions>;
  appName?: string;
  /** Number of reverse proxies in front of us whose X-Forwarded-For is trusted. */
  trustProxy?: number;
  /** Extra routes (the site's static pages), mounted before the 404 handler. */
  extraRoutes?: (app: Express) => void;
}

export interface App {
  express: Express;
  channel: Channel;
  /** The OpenID provider at /oidc. */
  oidc: Oidc;
  /** Serves the app and the channel on an http.Server. */
  attach(server: Server): void;
  close(): Promise<void>;
}

export function createApp(deps: Deps, opts: AppOptions = {}): App {
  const secureCookies = deps.origin.startsWith('https:');
  const app = express();
  app.disable('x-powered-by');
  // No ETag on what res.send answers (the API's JSON, which no cache may keep: noStore): it cost
  // a SHA-1 of every body. Static files keep theirs (express.static sets its own).
  app.set('etag', false);
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(requestLogger(deps.log));
  app.use(securityHeaders(secureCookies));
  app.use('/api', noStore);
  // The OpenID provider reads its own bodies, and its token endpoint is called by apps' servers.
  const oidc = mountOidc(app, deps, { secure: secureCookies });
  const d: HttpDeps = {
    ...deps,
    limiters: opts.limiters ?? defaultLimiters(),
    secureCookies,
    appName: opts.appName ?? 'pushkey My Account',
    oidc,
  };
  // Every cookie-authenticated API, before its body is even read; /api/device is signed instead and called cross-origin.
  app.use(['/api/tenant', '/api/signin', '/api/me', '/api/admin', '/api/oidc'], refuseCrossOrigin(deps.origin));
  app.use(express.json({ limit: '16kb' }));

  app.use('/api/device', deviceRoutes(d));
  app.use('/api/docs', docsRoutes());
  mountApi(app, d);
  opts.extraRoutes?.(app);
  app.use(notFound);
  app.use(errorHandler);

  const channel = createChannel(deps, { ...DEFAULT_CHANNEL_OPTIONS, ...opts.channel });
  return {
    express: app,
    channel,
    oidc,
    attach(server) {
      server.on('request', app);
      attachChannel(server, channel);
    },
    close: () => {
      oidc.close();
      return channel.close();
    },
  };
}
