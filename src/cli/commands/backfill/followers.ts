/** `weunion backfill followers --app <oa>`: every follower of an official account, its unionid linked, resumably. */
import { parseArgs } from 'node:util';
import { systemClock } from '../../../clock.js';
import { backfillFollowers } from '../../../flows/data/backfill-followers.js';
import { createIdentityService } from '../../../identity/index.js';
import { batchGetUserInfo, getFollowers } from '../../../wechat/api/followers.js';
import { openDataContext, weChatClient } from '../../data-context.js';
import { createProgressLine } from '../../progress-line.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Walks the followers of an official account (cgi-bin/user/get, 10,000 a page) and asks for their unionids
(cgi-bin/user/info/batchget, 100 a call); each follower is resolved as the account's own lookup would be: its
unionid linked, users of other apps with the same unionid joined. The page reached is stored in the database after
each page: a stopped walk (Ctrl-C, a deploy) goes on from there. WeChat's 45009 (daily quota) is waited out with a
doubling back-off (1 s … 64 s), then reported; reset the quota in the console and run again.

options:
  --app <appid>   the official account (required)
  --restart       ignore the stored cursor and walk from the first follower

example:
  WEUNION_CONFIG=/etc/weunion.json npx weunion backfill followers --app wx0fa1b2c3d4e5f6a7`;

async function run(ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: [...ctx.args], options: { app: { type: 'string' }, restart: { type: 'boolean', default: false } }, strict: true });
  const data = await openDataContext(ctx);
  try {
    const app = data.config.apps.find((a) => a.appid === values.app);
    if (app?.kind !== 'officialAccount') {
      ctx.err(`weunion backfill followers: --app must name a configured official account (got ${JSON.stringify(values.app ?? null)})\n`);
      return 1;
    }
    if (app.union === null) ctx.err(`note: ${app.appid} is bound to no union: followers are recorded by openid, no unionid can be linked\n`);
    const { http, tokens } = weChatClient(data.config);
    const store = data.opened.store;
    const progress = createProgressLine({ write: ctx.err, tty: process.stderr.isTTY === true, unit: 'followers' });
    const s = await backfillFollowers(
      {
        identity: createIdentityService({ identity: store.identity, profile: store.profile, clock: systemClock }),
        data: store.data,
        clock: systemClock,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        followers: {
          page: (next) => tokens.withToken(app.appid, (accessToken) => getFollowers(http, { accessToken, nextOpenid: next })),
          batch: (openids) => tokens.withToken(app.appid, (accessToken) => batchGetUserInfo(http, { accessToken, openids })),
        },
      },
      app,
      {
        restart: values.restart === true,
        onProgress: (p) => progress.update(p.followers, p.total),
        onWait: (ms) => ctx.err(`WeChat says 45009 (quota): waiting ${ms / 1000} s\n`),
      },
    );
    progress.end();
    if (s.resumed) ctx.out('resumed from the stored cursor\n');
    ctx.out(`${s.followers} followers walked: ${s.withUnionid} with a unionid; ${s.created} new users, ${s.linked} linked, ${s.merged} merged\n`);
    return 0;
  } finally {
    await data.close();
  }
}

export const backfillFollowersCommand: CliCommand = {
  name: 'backfill followers',
  aliases: [],
  summary: "walk an official account's followers and link every unionid found",
  help: HELP,
  takesArgs: true,
  run,
};
