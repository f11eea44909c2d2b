/**
 * `weunion events enable-endpoint <id>`: a webhook endpoint whose receiver answered 410 Gone takes nothing until an
 * operator says it is back (its deliveries wait, none dropped); this says so, and they drain at the next poll.
 */
import { openDataContext } from '../../data-context.js';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Enables a webhook endpoint its receiver disabled by answering 410 Gone. Its waiting deliveries go out at the
running servers' next poll, in order per user.

example:
  npx weunion events enable-endpoint crm`;

async function run(ctx: CliContext): Promise<number> {
  const [id, ...rest] = ctx.args;
  if (!id || rest.length > 0 || id.startsWith('-')) {
    ctx.err('usage: weunion events enable-endpoint <endpoint id>\n');
    return 1;
  }
  const data = await openDataContext(ctx);
  try {
    const enabled = await data.opened.store.webhooks.enableEndpoint(id);
    ctx.out(enabled ? `endpoint ${id} enabled\n` : `endpoint ${id} was not disabled: nothing to do\n`);
    return 0;
  } finally {
    await data.close();
  }
}

export const eventsEnableEndpoint: CliCommand = {
  name: 'events enable-endpoint',
  aliases: [],
  summary: 'enable a webhook endpoint its receiver disabled (410 Gone)',
  help: HELP,
  takesArgs: true,
  run,
};
