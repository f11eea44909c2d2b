/**
 * One place that turns failures into `{ error: { code, message, wechat? } }`. Expected failures (AppError) keep their
 * code and message; Fastify's own 4xx (bad JSON, body too large, wrong content type) get stable codes; anything else
 * is a 500 whose message is hidden and whose cause is logged (without request bodies, which can hold user data).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';

function fromFastifyError(err: FastifyError): AppError | null {
  const status = err.statusCode ?? 500;
  if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('ERR_PAYLOAD_TOO_LARGE');
  if (status === 415 || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new AppError('ERR_UNSUPPORTED_MEDIA_TYPE');
  if (status === 429) return new AppError('ERR_RATE_LIMITED');
  if (status >= 400 && status < 500) {
    // e.g. FST_ERR_CTP_INVALID_JSON_BODY / FST_ERR_CTP_EMPTY_JSON_BODY: the message is Fastify's, client-safe.
    return new AppError('ERR_VALIDATION', { message: `The request is malformed: ${err.message}` });
  }
  return null;
}

export function registerErrorHandler(app: FastifyInstance, options: { notFound?: boolean } = {}): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    const appError = err instanceof AppError ? err : fromFastifyError(err);
    if (appError) {
      if (appError.status >= 500) request.log.warn({ code: appError.code, wechat: appError.wechat }, appError.message);
      else request.log.info({ code: appError.code, wechat: appError.wechat }, 'request rejected');
      return reply.status(appError.status).send(appError.toBody());
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(new AppError('ERR_INTERNAL').toBody());
  });
  if (options.notFound === false) return;
  app.setNotFoundHandler((_request, reply) => reply.status(404).send(new AppError('ERR_NOT_FOUND').toBody()));
}
