// The device API: cookie-less, authenticated by signatures, so CORS is open to any origin
// (the extension needs no host permission). Routes parse, call one domain function, answer.
import { Router } from 'express';
import { parseDeviceCommand, parseDeviceResponse, parseEnrollRequest } from '../../../protocol/parse.ts';
import { runCommand } from '../../domain/authenticator/devices.ts';
import { enroll } from '../../domain/authenticator/enrollment.ts';
import { resolveSignInResponse } from '../../domain/signin/signin.ts';
import type { HttpDeps } from './http-deps.ts';
import { clientInfo, clientIp } from './client-info.ts';
import { correlate } from './logging.ts';

export function deviceRoutes(d: HttpDeps): Router {
  const r = Router();
  r.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });

  r.post('/enroll', async (req, res) => {
    const client = clientInfo(req, d.locate);
    await d.limiters.enroll.hit(client.ip);
    res.json(await enroll(d, parseEnrollRequest(req.body), client.ip));
  });

  r.post('/respond', async (req, res) => {
    await d.limiters.device.hit(clientIp(req));
    const { outcome, challenge } = await resolveSignInResponse(d, parseDeviceResponse(req.body), (flowId) => correlate(res, flowId));
    res.json({ type: 'result', challengeId: challenge.id, outcome });
  });

  r.post('/command', async (req, res) => {
    const client = clientInfo(req, d.locate);
    await d.limiters.device.hit(client.ip);
    res.json(await runCommand(d, parseDeviceCommand(req.body), { app: 'pushkey authenticator', ...client }));
  });
  return r;
}
