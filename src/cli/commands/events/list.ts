/**
 * `weunion events list [--after <cursor>] [--limit N]`: the pull feed (docs/events.md "Pull feed") from the
 * configured store directly, one public event per line as JSON, then the `next` cursor on stderr — for a shell
 * pipeline or a look at what the feed hands out. Every union is in view (the operator's).
 */
import { parseArgs } from 'node:util';
import { createEventFeed } from '../../../flows/admin/event-feed.js';
import type { CliCommand, CliContext } from '../command.js';
import { withAdmin } from '../users/admin-session.js';
import { openStore } from '../../../store/index.js';
import { loadCliConfig } from '../../load-cli-config.js';

const USAGE = 'weunion events list [--after <cursor>] [--limit <1-1000>]';

const HELP = `Prints the events after a cursor (none = from the first), oldest first, one JSON object a line in the
public shapes of docs/events.md; then "next: <cursor>" on stderr, to pass as --after next time. Reads the configured
storage directly (no server needed).

options:
  --after <cursor>   the next cursor of an earlier page (GET /v1/admin/events or this command)
  --limit <n>        events at most, 1–1000 (default 100)

example:
  npx weunion events list --limit 10`;

async function run(ctx: CliContext): Promise<number> {
  let values: { after?: string; limit?: string };
  try {
    ({ values } = parseArgs({ args: [...ctx.args], strict: true, options: { after: { type: 'string' }, limit: { type: 'string' } } }));
  } catch (e) {
    ctx.err(`${(e as Error).message}\nusage: ${USAGE}\n`);
    return 1;
  }
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    ctx.err(`--limit is a whole number from 1 to 1000\nusage: ${USAGE}\n`);
    return 1;
  }
  // withAdmin checks the schema and prints an AppError (a bad cursor) with its code; the feed reads the same store.
  return withAdmin(ctx, async (_admin, actor) => {
    const { config } = loadCliConfig(ctx.env, ctx.cwd);
    const opened = await openStore(config.storage, { poolSize: 1 });
    try {
      const feed = createEventFeed({ data: opened.store.data, users: opened.store.admin, signals: { wait: async () => undefined }, recheckMs: 0 });
      const page = await feed.read(actor, { after: values.after, limit, waitMs: 0 }, new AbortController().signal);
      for (const e of page.events) ctx.out(`${JSON.stringify(e)}\n`);
      ctx.err(`next: ${page.next}${page.hasMore ? ' (more)' : ''}\n`);
      return 0;
    } finally {
      await opened.close();
    }
  });
}

export const eventsList: CliCommand = {
  name: 'events list',
  aliases: [],
  summary: 'print the event feed after a cursor, one JSON line per event',
  help: HELP,
  takesArgs: true,
  run,
};
