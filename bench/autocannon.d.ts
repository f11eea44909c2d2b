// autocannon ships no types and @types/autocannon lags behind; the bench uses a small part of it (callback form).
declare module 'autocannon' {
  const autocannon: (options: Record<string, unknown>, done?: (err: unknown, result: unknown) => void) => unknown;
  export default autocannon;
}
