/**
 * One place that turns failures into `{ error: { code, message, wechat? } }`. Expected failures (AppError) keep their
 * code and message; Fastify's own 4xx (bad JSON, body too large, wrong content type) get stable codes; anything else
 * is a 500 whose message is hidden and whose cause is logged (without request bodies, which can hold user data).
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { collectRouteMethods } from './method-not-allowed.js';

/** Names the type that was sent (only when it looks like one: the header is the client's text). */
function unsupportedMediaType(request: FastifyRequest): AppError {
  const sent = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const named = /^[a-z0-9][a-z0-9.+-]{0,63}\/[a-z0-9][a-z0-9.+-]{0,63}$/.test(sent) ? sent : 'an unknown type';
  return new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', {
    message: `The request body must be JSON sent as Content-Type: application/json; this one was sent as ${named}.`,
  });
}

function fromFastifyError(err: FastifyError, request: FastifyRequest): AppError | null {
  const status = err.statusCode ?? 500;
  if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('ERR_PAYLOAD_TOO_LARGE');
  if (status === 415 || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return unsupportedMediaType(request);
  if (status === 429) return new AppError('ERR_RATE_LIMITED');
  if (status >= 400 && status < 500) {
    // e.g. FST_ERR_CTP_INVALID_JSON_BODY / FST_ERR_CTP_EMPTY_JSON_BODY: the message is Fastify's, client-safe.
    return new AppError('ERR_VALIDATION', { message: `The request is malformed: ${err.message}` });
  }
  return null;
}

/**
 * Call before the routes: the 405 answer knows the routes registered afterwards (method-not-allowed.ts).
 * `notFound: false` leaves unknown URLs to a host application (weunion/fastify without a prefix).
 */
export function registerErrorHandler(app: FastifyInstance, options: { notFound?: boolean } = {}): void {
  const routeMethods = collectRouteMethods(app);
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    const appError = err instanceof AppError ? err : fromFastifyError(err, request);
    if (appError) {
      if (appError.status >= 500) request.log.warn({ code: appError.code, wechat: appError.wechat }, appError.message);
      else request.log.info({ code: appError.code, wechat: appError.wechat }, 'request rejected');
      return reply.status(appError.status).send(appError.toBody());
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(new AppError('ERR_INTERNAL').toBody());
  });
  if (options.notFound === false) return;
  app.setNotFoundHandler((request, reply) => {
    const allowed = routeMethods.allowed(request.url);
    if (allowed.length === 0) return reply.status(404).send(new AppError('ERR_NOT_FOUND').toBody());
    reply.header('allow', allowed.join(', '));
    return reply.status(405).send(new AppError('ERR_METHOD_NOT_ALLOWED', { message: `This route answers ${allowed.join(', ')} only.` }).toBody());
  });
}
