/** `weunion apps bind <appid> --union <u>`: the binding wave for an app bound to an Open Platform account late. */
import { parseArgs } from 'node:util';
import { systemClock } from '../../../clock.js';
import { bindApp } from '../../../flows/data/bind-app.js';
import { createIdentityService } from '../../../identity/index.js';
import { batchGetUserInfo } from '../../../wechat/api/followers.js';
import { openDataContext, weChatClient } from '../../data-context.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `After an app is bound to an Open Platform account (WeChat console, then "union" on the app in the config),
re-resolves its users known by openid alone: an official account asks cgi-bin/user/info/batchget (100 a call) and
links — or merges — every unionid WeChat now gives; mini programs, websites and mobile apps have no such call, so
the report counts how many wait for their next login, which then merges by unionid. Running it again is harmless.

options:
  <appid>          the app (required)
  --union <id>     the union it is now bound to: must be the app's "union" in the config (a check, not a change)

example:
  WEUNION_CONFIG=/etc/weunion.json npx weunion apps bind wx0fa1b2c3d4e5f6a7 --union acme`;

async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...ctx.args], options: { union: { type: 'string' } }, allowPositionals: true, strict: true });
  const data = await openDataContext(ctx);
  try {
    const app = data.config.apps.find((a) => a.appid === positionals[0]);
    if (!app) {
      ctx.err(`weunion apps bind: ${JSON.stringify(positionals[0] ?? null)} is not a configured app\n`);
      return 1;
    }
    if (!values.union || app.union !== values.union) {
      ctx.err(
        `weunion apps bind: set "union": "${values.union ?? '<id>'}" on ${app.appid} in the config first (it says ${JSON.stringify(app.union)}), then run this again\n`,
      );
      return 1;
    }
    const { http, tokens } = weChatClient(data.config);
    const store = data.opened.store;
    const r = await bindApp(
      {
        identity: createIdentityService({ identity: store.identity, profile: store.profile, clock: systemClock }),
        data: store.data,
        lookup: { batch: (openids) => tokens.withToken(app.appid, (accessToken) => batchGetUserInfo(http, { accessToken, openids })) },
      },
      app,
    );
    ctx.out(`${app.appid} (${app.kind}) bound to ${app.union}: ${r.openidOnly} users known by openid alone\n`);
    if (app.kind === 'officialAccount')
      ctx.out(`  ${r.linked} linked, ${r.merged} merged into the person's other users, ${r.noUnionid} still without a unionid from WeChat\n`);
    else ctx.out(`  ${r.waitingForLogin} wait for their next login, which links their unionid and merges\n`);
    return 0;
  } finally {
    await data.close();
  }
}

export const appsBind: CliCommand = {
  name: 'apps bind',
  aliases: [],
  summary: 'the binding wave: re-resolve an app’s openid-only users once it is bound to a union',
  help: HELP,
  takesArgs: true,
  run,
};
