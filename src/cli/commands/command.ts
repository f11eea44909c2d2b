/** What one CLI command is: its words, what it does, an example, and how it runs. */
export interface CliCommand {
  /** `noun verb` as the folder spells it (commands/<noun>/<verb>.ts). */
  name: string;
  /** Shorter words that run it too (`start` for `server start`). */
  aliases: readonly string[];
  summary: string;
  /** The `--help` text beyond the summary: options, environment, an example. */
  help: string;
  /** It reads options and arguments of its own (`args`); without this, any argument after the command is refused. */
  takesArguments?: boolean;
  /** Runs it; resolves to the exit code, or to null when it keeps running (a server) until a signal. */
  run(context: CliContext): Promise<number | null>;
}

export interface CliContext {
  args: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
}
