// autocannon ships no types and @types/autocannon lags behind; the bench uses a small part of it.
declare module 'autocannon' {
  const autocannon: (options: Record<string, unknown>) => Promise<any>;
  export default autocannon;
}
