/**
 * Baseline peer for bench/callback.ts: co-wechat 2.4 (npm) in its documented Koa 2 setup, for the sandbox's official
 * account (same token, EncodingAESKey and appid as weunion's). The handler returns '' — co-wechat's documented
 * "no reply" answer — so co-wechat does its least work: msg_signature, decrypt, two xml2js parses. It has no
 * timestamp window, no dedup and no durable record (weunion does all three). Prints `LISTENING <url>`.
 */
import wechat from 'co-wechat';
import Koa from 'koa';
import { demoConfig, DEMO_APPS } from '../../src/config/demo-config.js';

const oa = demoConfig().apps.find((a) => a.appid === DEMO_APPS.oa)!;
const app = new Koa();
app.use(
  wechat({ token: oa.token!, appid: oa.appid, encodingAESKey: oa.encodingAesKey! }).middleware(async () => {
    return '';
  }),
);
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`LISTENING http://127.0.0.1:${addr.port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
