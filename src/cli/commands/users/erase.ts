/** `weunion users erase <id> --reason`: erase a person (phone, profile, session keys, identities). */
import type { CliCommand, CliContext } from '../command.js';
import { usersArgs, withAdmin } from './admin-session.js';

const USAGE = 'weunion users erase <user id> --reason <why>';

const HELP = `Erases a person in the configured storage (personal-information law): phone number, follow state,
session keys and identities are removed, their WeChat ids are kept only as digests, and the user row stays as a
tombstone every id still resolves to (recorded as user.erased). Cannot be undone. A later login of the person
creates a new user.

example:
  npx weunion users erase u_01h2x3y4z5a6b7c8d9e0f1g2h3 --reason "PIPL deletion request #12"`;

async function run(ctx: CliContext): Promise<number> {
  const args = usersArgs(ctx, USAGE, 1, { reason: true });
  if (!args) return 1;
  return withAdmin(ctx, async (admin, actor) => {
    const r = await admin.erase(actor, { userId: args.positionals[0]!, reason: args.values.reason! });
    const x = r.removed;
    ctx.out(
      `erased ${r.userId}: ${x.appIdentities} app and ${x.unionIdentities} union identities, ${x.sessionKeys} session keys${x.phone ? ', the phone number' : ''} removed\n`,
    );
    return 0;
  });
}

export const usersErase: CliCommand = {
  name: 'users erase',
  aliases: [],
  summary: 'erase a person (ids keep resolving to a tombstone)',
  help: HELP,
  takesArgs: true,
  run,
};
