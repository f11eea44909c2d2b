/**
 * Errors and unknown routes. WeChat paths answer like WeChat (JSON errcode, HTTP 200); the control API answers
 * with AppError bodies `{ error: { code, message } }`. Logs carry the path only — never the query string, which
 * holds secrets, codes and access_tokens.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, isAppError } from '../errors.js';
import { InvalidJsonBodyError } from './body-parser.js';
import { isControlPath, pathOf } from './context.js';
import type { WeChatReplier } from './wechat-reply.js';

export function installErrorHandling(app: FastifyInstance, wx: WeChatReplier): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const path = pathOf(request.url);
    const statusCode = (error as Partial<FastifyError>).statusCode;
    const clientError = error instanceof InvalidJsonBodyError || (typeof statusCode === 'number' && statusCode < 500);
    if (!clientError && !isAppError(error)) {
      request.log.error({ path, err: { name: error.name, message: error.message } }, 'emulator route failed');
    }
    if (!isControlPath(path)) {
      return error instanceof InvalidJsonBodyError ? wx.error(reply, 47001) : wx.error(reply, -1);
    }
    const appError = isAppError(error)
      ? error
      : clientError
        ? new AppError('ERR_EMULATOR_BAD_REQUEST', { message: error.message })
        : new AppError('ERR_INTERNAL');
    return reply.code(appError.status).send(appError.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    // A POST-only WeChat endpoint asked with another method: 43002 "require POST method", HTTP 200, as WeChat does
    // (https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html).
    if (!isControlPath(path) && request.method !== 'POST' && app.hasRoute({ method: 'POST', url: path })) return wx.error(reply, 43002);
    if (!isControlPath(path)) return wx.error(reply, -1, { status: 404 });
    const e = new AppError('ERR_NOT_FOUND');
    return reply.code(e.status).send(e.toBody());
  });
}
