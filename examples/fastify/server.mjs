// weunion inside your own Fastify app: its routes under /auth, your routes next to them, one logger.
//   npm install weunion
//   WEUNION_CONFIG=./weunion.config.json PORT=8080 node server.mjs
//   curl -XPOST localhost:8080/auth/v1/mp/<appid>/login -H 'content-type: application/json' -d '{"code":"…"}'
import Fastify from 'fastify';
import { readConfigSource } from 'weunion';
import weunion from 'weunion/fastify';

const { file, raw } = readConfigSource(process.env, process.cwd());
if (file === null) throw new Error('no weunion.config.json here and WEUNION_CONFIG is unset (weunion init writes one)');

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });
await app.register(weunion, { config: raw, prefix: '/auth' });

// Your own route, behind weunion's session: the user id is the same in every app of the union.
app.get('/api/me', async (request) => {
  const session = await app.weunion.requireSession(request);
  return { userId: session.userId, user: await app.weunion.deps.identity.view(session.userId) };
});

const url = await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' });
console.log(`example listening on ${url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
