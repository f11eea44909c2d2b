/** `weunion users find <any id>`: the users an id points at (our user id, an openid, a unionid, a phone number). */
import type { CliCommand, CliContext } from '../command.js';
import { usersArgs, withAdmin } from './admin-session.js';

const USAGE = 'weunion users find <id> [--app <appid>] [--union <union>] [--json]';

const HELP = `Looks a person up by any id, directly in the configured storage (no server needed): our user id (a
merged id resolves to its survivor, and the answer says so), an openid (in any app, or only --app), a unionid
(in any union, or only --union) or a phone number. An erased person answers as an erased tombstone.

options:
  --app <appid>     only openids of this app
  --union <union>   only unionids of this union (our id, config unions[].id)
  --json            print the matches as JSON

example:
  npx weunion users find oAbC123-openid --app wx1234567890abcdef`;

async function run(ctx: CliContext): Promise<number> {
  const args = usersArgs(ctx, USAGE, 1);
  if (!args) return 1;
  return withAdmin(ctx, async (admin, actor) => {
    const matches = await admin.find(actor, { id: args.positionals[0]!, appid: args.values.app, union: args.values.union });
    if (args.values.json) ctx.out(`${JSON.stringify({ matches }, null, 2)}\n`);
    else if (matches.length === 0) ctx.out('no user found\n');
    else {
      for (const m of matches) {
        const where = m.appid ?? m.unionKey ?? '';
        ctx.out(`${m.userId}\t${m.status}\tby ${m.matchedBy}${where ? ` in ${where}` : ''}${m.mergedFrom ? `\t(${m.mergedFrom} was merged into it)` : ''}\n`);
      }
    }
    return matches.length === 0 ? 2 : 0;
  });
}

export const usersFind: CliCommand = {
  name: 'users find',
  aliases: [],
  summary: 'find the users behind any id (user id, openid, unionid, phone)',
  help: HELP,
  takesArgs: true,
  run,
};
