/** The ids the store hands out for generated rows (jobs, webhook deliveries) are the decimal text of the row id. */

/** The row id behind `id`, or undefined when `id` names no row (anything but a positive safe integer's decimal text). */
export function parseRowId(id: string): number | undefined {
  if (typeof id !== 'string' || !/^[1-9][0-9]{0,15}$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}
