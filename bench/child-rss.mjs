/**
 * Preloaded into a measured child (`node --import tsx --import ./bench/child-rss.mjs …`): when it exits, it writes
 * its own peak resident set (`process.resourceUsage().maxRSS`, kB) to stderr as `BENCH_PEAK_RSS_KB <n>`, so the
 * peak of a short-lived command is read at its very end, which polling /proc from outside would miss.
 */
process.on('exit', () => {
  process.stderr.write(`BENCH_PEAK_RSS_KB ${process.resourceUsage().maxRSS}\n`);
});
