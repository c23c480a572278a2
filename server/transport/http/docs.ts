// The readable API reference at /api/docs: Swagger UI from the swagger-ui-dist package's
// own files (never a CDN), showing /api/openapi.json. The package's page and initializer
// point at a demo API, so those two are ours; every other file is the package's.
import express, { Router } from 'express';
import { createRequire } from 'node:module';
import path from 'node:path';

const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>pushkey API reference</title>
    <link rel="stylesheet" type="text/css" href="./swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="./index.css">
    <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="./swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

// An external script file, not inline, so the app's CSP (script-src 'self') needs no exception.
// validatorUrl null: the default sends the document to validator.swagger.io for a badge.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
};
`;

export function docsRoutes(): Router {
  const r = Router();
  // Relative asset paths need the trailing slash.
  r.get('/', (req, res, next) => (req.originalUrl.endsWith('/') ? next() : res.redirect(301, `${req.baseUrl}/`)));
  r.get(['/', '/index.html'], (_req, res) => void res.type('html').send(PAGE));
  r.get('/swagger-initializer.js', (_req, res) => void res.type('js').send(INITIALIZER));
  r.use(express.static(SWAGGER_UI_DIR, { index: false, fallthrough: true }));
  return r;
}
