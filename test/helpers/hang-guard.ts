/**
 * A hang guard for tests of "answers at once, does not wait for X": `p` must settle before `ms` real milliseconds,
 * or the test fails with `what`. Not a speed assertion: pick `ms` far above what a correct version needs on the
 * slowest machine (a few ms of work) and far below what the failure mode takes (the timeout it would wait out,
 * which the test sets to a minute or more), so a loaded machine cannot fail it and a regression cannot pass it.
 */
export async function settlesWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still unsettled after ${ms} ms (it waits for something it should not)`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}
