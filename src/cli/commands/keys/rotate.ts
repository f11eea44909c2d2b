/** `weunion keys rotate`: a new session signing key, active for every instance (sessions/signing-key-rotation.ts). */
import { rotateSigningKey } from '../../../sessions/signing-key-rotation.js';
import type { CliCommand, CliContext } from '../command.js';
import { withKeyStore } from './key-store.js';

const HELP = `Adds a new ES256 session signing key to the database (its private part sealed with the at-rest key) and
makes it the active one. Every instance signs with it within session.keyCacheSeconds (default 30 s); the previous
key is retired but stays in /.well-known/jwks.json, and its tokens keep verifying, until they have all expired
(session.ttlSeconds + session.keyCacheSeconds). Nobody is logged out. Prints the new kid, never the key.
Run it with the config the instances use (same storage, same keys.atRestKey).

example:
  WEUNION_CONFIG=/etc/weunion.json npx weunion keys rotate`;

async function run(ctx: CliContext): Promise<number> {
  return withKeyStore(ctx, async (keys) => {
    const { kid } = await rotateSigningKey(keys);
    ctx.out(`active signing key: ${kid}\n`);
    return 0;
  });
}

export const keysRotate: CliCommand = {
  name: 'keys rotate',
  aliases: [],
  summary: 'add a new session signing key and make it the active one',
  help: HELP,
  run,
};
