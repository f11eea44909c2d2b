/**
 * `weunion init` (`weunion config init`): writes a commented weunion.config.json (English and 中文) with an app of each
 * kind and every secret read from the environment; never overwrites a file that exists.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand, CliContext } from '../command.js';
import { CONFIG_TEMPLATE } from './config-template.js';

const HELP = `Writes ./weunion.config.json (or the file in WEUNION_CONFIG): a mini program, an official account, a
website app and a mobile app in one union, each field explained in English and 中文, secrets as \${VARS}.
Refuses to overwrite an existing file. Edit it, set the variables, then run weunion start.

example:
  npx weunion init
  WEUNION_CONFIG=/etc/weunion.json npx weunion init`;

async function run(ctx: CliContext): Promise<number> {
  const file = path.resolve(ctx.cwd, ctx.env.WEUNION_CONFIG ?? 'weunion.config.json');
  try {
    writeFileSync(file, CONFIG_TEMPLATE, { flag: 'wx' }); // wx: fails if it exists, with no window for a race
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    ctx.err(`weunion init: ${file} exists; not overwriting it (move it away first, or edit it)\n`);
    return 1;
  }
  ctx.out(
    `wrote ${file}\nnext: replace the example appids, set MP_SECRET, OA_SECRET, OA_TOKEN, OA_ENCODING_AES_KEY, WEB_SECRET, APP_SECRET,\n` +
      'WEUNION_AT_REST_KEY and WEUNION_SIGNING_JWK (the file says how to make the keys), then: npx weunion start\n',
  );
  return 0;
}

export const configInit: CliCommand = {
  name: 'config init',
  aliases: ['init'],
  summary: 'write a commented weunion.config.json (refuses to overwrite)',
  help: HELP,
  run,
};
