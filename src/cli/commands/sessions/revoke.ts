/** `weunion sessions revoke --user <id>`: signs a person out everywhere (flows/sessions/session-service.ts revokeUser). */
import { compose } from '../../../compose/compose.js';
import { loadCliConfig } from '../../load-cli-config.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Revokes every session of the user (and of the users merged into them): their refresh tokens stop
refreshing and their access tokens stop verifying at once (ERR_AUTH_REVOKED), on every instance.

options:
  --user <id>   a weunion user id (a merged id reaches its survivor)

example:
  WEUNION_CONFIG=/etc/weunion.json npx weunion sessions revoke --user u_01J9ZK3V8Q`;

async function run(ctx: CliContext): Promise<number> {
  const at = ctx.args.indexOf('--user');
  const userId = at === -1 ? undefined : ctx.args[at + 1];
  if (userId === undefined || userId.startsWith('--') || ctx.args.length !== 2) {
    ctx.err('weunion sessions revoke: give --user <id> (see --help)\n');
    return 1;
  }
  const { config } = loadCliConfig(ctx.env, ctx.cwd);
  // It signs nothing: the keys it needs are the database's, not the signing key's.
  const composed = await compose(config, { logger: false, checkSigningKey: false });
  try {
    const count = await composed.deps.sessions.revokeUser(userId);
    ctx.out(`revoked ${count} session(s) of ${userId}\n`);
    return 0;
  } finally {
    await composed.close();
  }
}

export const sessionsRevoke: CliCommand = {
  name: 'sessions revoke',
  aliases: [],
  summary: "revoke all of a user's sessions (sign them out everywhere)",
  help: HELP,
  takesArgs: true,
  run,
};
