/** `weunion users show <id>`: one person as a tree — user → identities → merges (the timeline). */
import type { CliCommand, CliContext } from '../command.js';
import { usersArgs, withAdmin } from './admin-session.js';
import { userTree } from './user-tree.js';

const USAGE = 'weunion users show <user id> [--json]';

const HELP = `Shows one person, read directly from the configured storage: identities per app, union identities,
phone, first/last seen, aliases (merged ids) and the history — creations, links, merges, splits, erasure, with
who did it and why. A merged id shows its survivor.

options:
  --json   print the view as JSON (what GET /v1/admin/users/:id answers)

example:
  npx weunion users show u_01h2x3y4z5a6b7c8d9e0f1g2h3`;

async function run(ctx: CliContext): Promise<number> {
  const args = usersArgs(ctx, USAGE, 1);
  if (!args) return 1;
  return withAdmin(ctx, async (admin, actor) => {
    const view = await admin.show(actor, args.positionals[0]!);
    ctx.out(args.values.json ? `${JSON.stringify(view, null, 2)}\n` : userTree(view));
    return 0;
  });
}

export const usersShow: CliCommand = {
  name: 'users show',
  aliases: [],
  summary: 'show one user: identities, phone, merge timeline',
  help: HELP,
  takesArgs: true,
  run,
};
