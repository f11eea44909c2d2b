/**
 * One body parser for every content type: WeChat reads the body as JSON whatever the Content-Type says, so a
 * form-encoded body reaches the route and gets 47001 "data format error" rather than an HTTP 415. An empty body
 * parses to `undefined` (stable_token then answers 44002; control routes treat it as `{}`).
 */
import type { FastifyInstance } from 'fastify';

/** Marks a body that is not JSON; the error handler maps it to 47001 or ERR_EMULATOR_BAD_REQUEST. */
export class InvalidJsonBodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'EMU_INVALID_JSON';

  constructor(cause: unknown) {
    super('The request body is not valid JSON.', { cause });
    this.name = 'InvalidJsonBodyError';
  }
}

export function installBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new InvalidJsonBodyError(e), undefined);
    }
  });
}
