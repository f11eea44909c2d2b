/** The CLI's command table (src/cli/command-table.ts) against the commands it loads: same words, same summary. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-table.js';

describe('command table', () => {
  it('each row loads the command it names, with the same aliases and summary', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, aliases: command.aliases, summary: command.summary }).toEqual({
        name: entry.name,
        aliases: entry.aliases,
        summary: entry.summary,
      });
    }
  });

  it('lists every command module once', () => {
    const dir = path.resolve('src/cli/commands');
    // A command module is one that exports a CliCommand; helpers beside them (user-tree.ts, key-store.ts…) do not.
    const modules = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(path.join(dir, d.name)).map((f) => path.join(d.name, f)))
      .filter((f) => /export const \w+: CliCommand\b/.test(readFileSync(path.join(dir, f), 'utf8')));
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(modules.length);
  });
});
