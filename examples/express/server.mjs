// weunion inside an Express app (NestJS on its Express adapter is the same: app.use('/auth', handler) in main.ts).
//   npm install weunion express
//   WEUNION_CONFIG=./weunion.config.json PORT=8080 node server.mjs
// Mount weunion before any body parser (express.json()): it reads the request body itself.
import express from 'express';
import { readConfigSource } from 'weunion';
import { createWeunionHandler } from 'weunion/node';

const { file, raw } = readConfigSource(process.env, process.cwd());
if (file === null) throw new Error('no weunion.config.json here and WEUNION_CONFIG is unset (weunion init writes one)');

// `prefix` is the mount path: Express strips it from req.url, weunion routes on req.originalUrl.
const weunion = await createWeunionHandler({ config: raw, prefix: '/auth' });
const app = express();
app.use('/auth', weunion);
app.use(express.json());

app.get('/api/me', async (req, res) => {
  try {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const session = await weunion.weunion.deps.sessions.verify(token);
    res.json({ userId: session.userId, user: await weunion.weunion.deps.identity.view(session.userId) });
  } catch (e) {
    res.status(e.status ?? 500).json(e.toBody ? e.toBody() : { error: { code: 'ERR_INTERNAL' } });
  }
});

const server = app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`example listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => void weunion.close().then(() => process.exit(0))));
}
