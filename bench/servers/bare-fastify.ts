/**
 * The ceiling: a bare Fastify route that makes the same single upstream call (jscode2session on the same
 * emulator, global fetch) and answers the openid. No validation, no store, no session: what weunion is compared to.
 */
import Fastify from 'fastify';
import { DEMO_APPS } from '../../src/config/demo-config.js';

const emulatorUrl = process.env.EMULATOR_URL!;
const app = Fastify({ logger: false });
app.post('/login', async (request) => {
  const { code } = request.body as { code: string };
  const q = new URLSearchParams({ appid: DEMO_APPS.mp1, secret: 'sandbox-secret-mp1', js_code: code, grant_type: 'authorization_code' });
  const res = await fetch(`${emulatorUrl}/sns/jscode2session?${q}`);
  const body = (await res.json()) as { openid?: string; errcode?: number };
  if (!body.openid) throw new Error(`errcode ${body.errcode}`);
  return { openid: body.openid };
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`LISTENING ${url}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
