/** `weunion users unlink <appid> <openid> --reason`: split an app identity out into a new user (a wrong merge). */
import type { CliCommand, CliContext } from '../command.js';
import { usersArgs, withAdmin } from './admin-session.js';

const USAGE = 'weunion users unlink <appid> <openid> --reason <why>';

const HELP = `Splits one app identity out of its user into a new user, in the configured storage (recorded as
identity.unlinked on the old user and user.created for the new one). The unionid goes with it only when no
identity left behind carries it; a later login where WeChat itself gives this openid that unionid joins them
again. Refused for a user's only app identity.

example:
  npx weunion users unlink wx1234567890abcdef oAbC123-openid --reason "ticket 42: wrong merge"`;

async function run(ctx: CliContext): Promise<number> {
  const args = usersArgs(ctx, USAGE, 2, { reason: true });
  if (!args) return 1;
  const [appid, openid] = args.positionals as [string, string];
  return withAdmin(ctx, async (admin, actor) => {
    const r = await admin.unlink(actor, { appid, openid, reason: args.values.reason! });
    ctx.out(`split ${appid} / ${openid} out of ${r.fromUserId} into ${r.userId}${r.unionIdentityMoved ? ' (with its unionid)' : ''}\n`);
    return 0;
  });
}

export const usersUnlink: CliCommand = {
  name: 'users unlink',
  aliases: [],
  summary: 'split an app identity out into a new user',
  help: HELP,
  takesArgs: true,
  run,
};
