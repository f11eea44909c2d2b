/**
 * `weunion events redeliver`: queues webhook deliveries again (docs/events.md "Webhooks") — one event's, or those of
 * the events stored in a time range — for every configured endpoint the event belongs to (or one, `--endpoint`).
 * Failed deliveries (their retry window ran out) and delivered ones go out again; deliveries the router never made
 * (an endpoint added after the event) are made. A delivery being sent right now is left to its sender. The running
 * instances pick them up at their next poll; receivers deduplicate on `webhook-id` (the event id).
 */
import { parseArgs } from 'node:util';
import { parsePublicEventId } from '../../../events/index.js';
import { openDataContext } from '../../data-context.js';
import type { CliCommand, CliContext } from '../command.js';

const USAGE = 'weunion events redeliver (--event <evt_id> | --from <ISO time> [--to <ISO time>]) [--endpoint <id>]';

const HELP = `Queues webhook deliveries again, due now: of one event, or of every event stored in [--from, --to).
Failed, delivered and never-made deliveries are (re)queued for the configured endpoints the event fits (union and
event types); --endpoint limits it to one. Prints how many were queued. A server running with the same storage
sends them at its next poll. A disabled endpoint (its receiver answered 410) is enabled with
"weunion events enable-endpoint <id>".

options:
  --event <evt_id>     one event, e.g. evt_42 (the webhook-id receivers saw)
  --from <ISO time>    events stored at or after this time (e.g. 2026-12-01T00:00:00Z)
  --to <ISO time>      … and before this one (default: now)
  --endpoint <id>      only this endpoint (webhooks.endpoints[].id)

examples:
  npx weunion events redeliver --event evt_42
  npx weunion events redeliver --from 2026-12-01T08:00:00Z --to 2026-12-01T09:00:00Z --endpoint crm`;

type Values = { event?: string; from?: string; to?: string; endpoint?: string };

async function run(ctx: CliContext): Promise<number> {
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: [...ctx.args],
      strict: true,
      options: { event: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, endpoint: { type: 'string' } },
    }));
  } catch (e) {
    ctx.err(`${(e as Error).message}\nusage: ${USAGE}\n`);
    return 1;
  }
  const bad = (why: string) => (ctx.err(`${why}\nusage: ${USAGE}\n`), 1);
  if ((values.event === undefined) === (values.from === undefined)) return bad('give either --event or --from');
  if (values.event !== undefined && values.to !== undefined) return bad('--to goes with --from');
  const eventId = values.event === undefined ? undefined : parsePublicEventId(values.event);
  if (values.event !== undefined && eventId === undefined) return bad(`"${values.event}" is not an event id (evt_<n>)`);
  const from = values.from === undefined ? undefined : Date.parse(values.from);
  const to = values.to === undefined ? undefined : Date.parse(values.to);
  if (from !== undefined && Number.isNaN(from)) return bad(`--from "${values.from}" is not an ISO 8601 time`);
  if (to !== undefined && Number.isNaN(to)) return bad(`--to "${values.to}" is not an ISO 8601 time`);
  const data = await openDataContext(ctx);
  try {
    const endpoints = data.config.webhooks.endpoints.filter((e) => values.endpoint === undefined || e.id === values.endpoint);
    if (endpoints.length === 0) {
      ctx.err(
        values.endpoint === undefined ? 'no webhook endpoint is configured (webhooks.endpoints)\n' : `no webhook endpoint "${values.endpoint}" in the config\n`,
      );
      return 1;
    }
    const queued = await data.opened.store.webhooks.redeliver({
      now: Date.now(),
      targets: endpoints.map((e) => ({ endpointId: e.id, union: e.union, types: e.events })),
      ...(eventId === undefined ? {} : { eventId }),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    });
    ctx.out(`${queued} deliver${queued === 1 ? 'y' : 'ies'} queued\n`);
    return 0;
  } finally {
    await data.close();
  }
}

export const eventsRedeliver: CliCommand = {
  name: 'events redeliver',
  aliases: [],
  summary: 'queue webhook deliveries again: one event, or a time range',
  help: HELP,
  takesArgs: true,
  run,
};
