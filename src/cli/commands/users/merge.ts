/** `weunion users merge <survivor> <loser> --reason`: join two users by hand. */
import type { CliCommand, CliContext } from '../command.js';
import { usersArgs, withAdmin } from './admin-session.js';

const USAGE = 'weunion users merge <survivor id> <loser id> --reason <why>';

const HELP = `Merges the second user into the first, in the configured storage: every identity of the loser moves to
the survivor and the loser's id resolves to the survivor for good (recorded as user.merged, with you as actor and
the reason). Refused, changing nothing, when the two hold different unionids in one union or different openids in
one app (WeChat says two people), across unions, or when either was erased.

example:
  npx weunion users merge u_01h2x3y4z5a6b7c8d9e0f1g2h3 u_01h9z8y7x6w5v4t3s2r1q0p9n8 --reason "ticket 42: same person"`;

async function run(ctx: CliContext): Promise<number> {
  const args = usersArgs(ctx, USAGE, 2, { reason: true });
  if (!args) return 1;
  const [survivorId, loserId] = args.positionals as [string, string];
  return withAdmin(ctx, async (admin, actor) => {
    const r = await admin.merge(actor, { survivorId, loserId, reason: args.values.reason! });
    ctx.out(
      `merged ${r.mergedUserId} into ${r.userId}: ${r.movedAppIdentities} app and ${r.movedUnionIdentities} union identities moved${r.phoneCarried ? ', phone carried' : ''}\n`,
    );
    return 0;
  });
}

export const usersMerge: CliCommand = {
  name: 'users merge',
  aliases: [],
  summary: 'merge two users by hand (the first survives)',
  help: HELP,
  takesArgs: true,
  run,
};
