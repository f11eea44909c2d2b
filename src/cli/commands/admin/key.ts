/**
 * `weunion admin key --name <n> [--scopes read,write] [--union <u>]`: mints an admin API key and prints the config
 * entry holding only its SHA-256. The key is shown once, here; weunion never stores it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { CliCommand, CliContext } from '../command.js';

const HELP = `Mints an admin API key (32 random bytes, "wua_" + base64url) and prints the entry to add to
admin.keys[] in the config: its name, the key's SHA-256, its scopes and, optionally, the one union it may see.
The key itself is printed once and stored nowhere: keep it in your secret store. Reads nothing, writes nothing.
To hash a key you already have: printf %s "$KEY" | sha256sum

options:
  --name <name>        who acts: recorded as the actor of every event the key writes (required)
  --scopes <list>      read, write or read,write (default read)
  --union <union>      limit the key to one union (our id, config unions[].id)

example:
  npx weunion admin key --name support-desk --scopes read,write --union acme`;

async function run(ctx: CliContext): Promise<number> {
  let values: { name?: string; scopes?: string; union?: string };
  try {
    ({ values } = parseArgs({
      args: [...ctx.args],
      strict: true,
      options: { name: { type: 'string' }, scopes: { type: 'string' }, union: { type: 'string' } },
    }));
  } catch (e) {
    ctx.err(`${(e as Error).message} (see weunion admin key --help)\n`);
    return 1;
  }
  const scopes = (values.scopes ?? 'read').split(',').map((s) => s.trim());
  if (!values.name || !/^[A-Za-z0-9_.@:-]{1,64}$/.test(values.name) || !scopes.every((s) => s === 'read' || s === 'write')) {
    ctx.err('--name (1–64 of [A-Za-z0-9_.@:-]) is required; --scopes is read, write or read,write (see weunion admin key --help)\n');
    return 1;
  }
  const key = `wua_${randomBytes(32).toString('base64url')}`;
  const entry = { name: values.name, sha256: createHash('sha256').update(key).digest('hex'), scopes, ...(values.union ? { union: values.union } : {}) };
  ctx.out(`key (shown once, store it now): ${key}\n\nadd to admin.keys[] in the config:\n${JSON.stringify(entry, null, 2)}\n`);
  return 0;
}

export const adminKey: CliCommand = {
  name: 'admin key',
  aliases: [],
  summary: 'mint an admin API key and print its hashed config entry',
  help: HELP,
  takesArgs: true,
  run,
};
