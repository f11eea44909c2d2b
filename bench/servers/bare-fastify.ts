/**
 * The ceiling: a bare Fastify route that makes the same single upstream call (jscode2session on the same emulator)
 * and answers the openid. No validation, no store, no session: what weunion is compared to.
 * BARE_CLIENT=fetch (Node's built-in fetch: what a hand-rolled route ordinarily uses) or undici (undici `request()`
 * on a keep-alive Agent: the client weunion itself uses, so the comparison isolates weunion's own work).
 */
import Fastify from 'fastify';
import { Agent, request as httpRequest } from 'undici';
import { DEMO_APPS } from '../../src/config/demo-config.js';

const emulatorUrl = process.env.EMULATOR_URL!;
const client = process.env.BARE_CLIENT === 'undici' ? 'undici' : 'fetch';
const dispatcher = new Agent({ connections: 128, keepAliveTimeout: 10_000 });

async function code2session(url: string): Promise<{ openid?: string; errcode?: number }> {
  if (client === 'fetch') return (await (await fetch(url)).json()) as { openid?: string };
  return (await (await httpRequest(url, { dispatcher })).body.json()) as { openid?: string };
}

const app = Fastify({ logger: false });
app.post('/login', async (request) => {
  const { code } = request.body as { code: string };
  const q = new URLSearchParams({ appid: DEMO_APPS.mp1, secret: 'sandbox-secret-mp1', js_code: code, grant_type: 'authorization_code' });
  const body = await code2session(`${emulatorUrl}/sns/jscode2session?${q}`);
  if (!body.openid) throw new Error(`errcode ${body.errcode}`);
  return { openid: body.openid };
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`LISTENING ${url}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
