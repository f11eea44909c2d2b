/**
 * Field paths pino must never print, one level deep: what our log calls pass (test/leaks/ scans for the rest).
 * Given to pino by whoever makes the logger (the server's entry point, the CLI).
 */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.secret',
  '*.sessionKey',
  '*.session_key',
  '*.sessionKeyEnc',
  '*.access_token',
  '*.accessToken',
  '*.refresh_token',
  '*.refreshToken',
  '*.token',
  '*.encodingAesKey',
  '*.previousEncodingAesKey',
  '*.atRestKey',
  '*.signingJwk',
  '*.loginCode',
]);
