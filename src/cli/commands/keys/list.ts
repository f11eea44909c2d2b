/** `weunion keys list`: the session signing keys in the database, newest first (never their private part). */
import type { CliCommand, CliContext } from '../command.js';
import { withKeyStore } from './key-store.js';

const HELP = `Lists the session signing keys: kid, when it was created, and whether it is active or retired (and until
when a retired key is still published in /.well-known/jwks.json). Shows no private key material.

options:
  --json   print the keys as JSON

example:
  npx weunion keys list --json`;

async function run(ctx: CliContext): Promise<number> {
  if (ctx.args.some((a) => a !== '--json')) {
    ctx.err('weunion keys list: the only option is --json (see --help)\n');
    return 1;
  }
  return withKeyStore(ctx, async ({ config, store, clock }) => {
    const keepMs = (config.session.ttlSeconds + config.session.keyCacheSeconds) * 1000;
    const rows = await store.listSigningKeys();
    const activeKid = rows.find((r) => r.retiredAt === null)?.kid;
    const now = clock.now();
    const keys = rows.map((r) => ({
      kid: r.kid,
      createdAt: new Date(r.createdAt).toISOString(),
      status: r.kid === activeKid ? 'active' : r.retiredAt === null ? 'published' : 'retired',
      retiredAt: r.retiredAt === null ? null : new Date(r.retiredAt).toISOString(),
      // When it leaves the JWKS (null: it is still the active key).
      publishedUntil: r.retiredAt === null ? null : new Date(r.retiredAt + keepMs).toISOString(),
      inJwks: r.retiredAt === null || r.retiredAt + keepMs > now,
    }));
    if (ctx.args.includes('--json')) ctx.out(`${JSON.stringify({ keys }, null, 2)}\n`);
    else {
      for (const k of keys) {
        const state = k.status === 'retired' ? `retired ${k.retiredAt}${k.inJwks ? ` (in the JWKS until ${k.publishedUntil})` : ''}` : k.status;
        ctx.out(`${k.kid}\tcreated ${k.createdAt}\t${state}\n`);
      }
    }
    return 0;
  });
}

export const keysList: CliCommand = {
  name: 'keys list',
  aliases: [],
  summary: 'list the session signing keys (kid, created, active or retired)',
  help: HELP,
  takesArgs: true,
  run,
};
