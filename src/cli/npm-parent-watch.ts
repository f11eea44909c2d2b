/**
 * Started through npm (`npx weunion start`, `npm start`), weunion sits behind `npm → sh -c → node`. Killing npm
 * (`npx weunion start &` then `kill $!`) forwards the signal to the shell only, which dies without passing it on:
 * the server was left running on its ports, reparented. So when npm started us (npm sets `npm_command`) and our parent
 * goes away, we take it as the stop it was meant to be. Not done otherwise: a service whose parent exits on purpose
 * (`nohup weunion start &`, a shell that closes) must keep running.
 */
export function stopWhenNpmParentExits(env: Record<string, string | undefined>, stop: () => void, intervalMs = 1000): () => void {
  if (env.npm_command === undefined) return () => undefined;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      // Whoever read our output went with npm: a write to the closed pipe must not crash the shutdown.
      process.stdout.on('error', () => undefined);
      process.stderr.on('error', () => undefined);
      stop();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
