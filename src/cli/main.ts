/**
 * The `weunion` command: `weunion <noun> <verb>` (or a shorter alias), one command per file under commands/. Config
 * is read once, by the command; `--help` anywhere prints help and never acts.
 */
import { AppError } from '../errors.js';
import type { CliContext } from './commands/command.js';
import { COMMANDS, type CommandEntry } from './command-table.js';
import { packageVersion } from './package-version.js';

function usage(): string {
  const rows = COMMANDS.map((c) => `  ${[...c.aliases, c.name].join(', ').padEnd(34)} ${c.summary}`);
  return [
    'usage: weunion <command> [--help]',
    '',
    ...rows,
    '',
    '  --version                          print the version',
    '',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal syntax the config file uses
    'config: ./weunion.config.json or the file in WEUNION_CONFIG; ${ENV} is substituted in strings.',
    'Each command has --help with an example.',
    '',
  ].join('\n');
}

/** The command `args` name (`start`, `server start`…) and the arguments after it, or undefined. */
function find(args: readonly string[]): { entry: CommandEntry; rest: readonly string[] } | undefined {
  for (const entry of COMMANDS) {
    for (const words of [entry.name, ...entry.aliases].map((w) => w.split(' ')).sort((a, b) => b.length - a.length)) {
      if (words.every((w, i) => args[i] === w)) return { entry, rest: args.slice(words.length) };
    }
  }
  return undefined;
}

async function main(args: readonly string[]): Promise<number | null> {
  const ctx: Omit<CliContext, 'args'> = {
    env: process.env,
    cwd: process.cwd(),
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  };
  if (args[0] === '--version' || args[0] === '-v') {
    ctx.out(`${packageVersion()}\n`);
    return 0;
  }
  if (args.length === 0 || ['help', '--help', '-h'].includes(args[0]!)) {
    ctx.out(usage());
    return args.length === 0 ? 1 : 0;
  }
  const found = find(args);
  if (!found) {
    ctx.err(`unknown command "${args.join(' ')}"\n\n${usage()}`);
    return 1;
  }
  const { rest } = found;
  const command = await found.entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.out(`usage: weunion ${command.aliases[0] ?? command.name}   (or: weunion ${command.name})\n\n${command.summary}.\n\n${command.help}\n`);
    return 0;
  }
  if (rest.length > 0 && !command.takesArgs) {
    ctx.err(`weunion ${command.name}: unexpected argument "${rest[0]}" (see weunion ${command.name} --help)\n`);
    return 1;
  }
  return command.run({ ...ctx, args: rest });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (e: unknown) => {
    if (e instanceof AppError) process.stderr.write(`weunion: ${e.message}\n`);
    else process.stderr.write(`weunion: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
