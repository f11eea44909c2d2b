// weunion on Node's own http server, no framework: the handler answers weunion's routes, 404 for the rest.
//   npm install weunion
//   WEUNION_CONFIG=./weunion.config.json PORT=8080 node server.mjs
import { createServer } from 'node:http';
import { readConfigSource } from 'weunion';
import { createWeunionHandler } from 'weunion/node';

const { file, raw } = readConfigSource(process.env, process.cwd());
if (file === null) throw new Error('no weunion.config.json here and WEUNION_CONFIG is unset (weunion init writes one)');

const handler = await createWeunionHandler({ config: raw });
const server = createServer(handler);
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`example listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => void handler.close().then(() => process.exit(0))));
}
