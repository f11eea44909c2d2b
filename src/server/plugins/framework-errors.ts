/**
 * The refusals Fastify and Node answer before any route or error handler runs, in weunion's own shape
 * `{ error: { code, message } }` with a stable code (docs/errors.md), instead of Fastify's default bodies
 * (`{ error: 'Bad Request', code: 'FST_…', statusCode }`). Found by `npm run fuzz`: hostile path segments came back
 * as 400/414 with no weunion code, and Fastify's messages quote the raw path, which can carry an OAuth `code` or a QR
 * login id.
 *
 * - `frameworkErrors`: the router refuses a path segment that is not valid percent-encoding (FST_ERR_BAD_URL) or is
 *   longer than `maxParamLength` (FST_ERR_MAX_PARAM_LENGTH, 100 characters; no appid or id of ours comes close).
 * - `clientErrorHandler`: Node's HTTP parser refuses a request before Fastify sees one: headers over 16 KiB (431),
 *   anything malformed (400); and Node's connection check cuts a request whose headers and body have not all arrived
 *   `server.requestTimeoutMs` after it began (408: a trickled body, a slowloris). There is no request object (or the
 *   route is still waiting for the body), so the answer is written to the socket raw, as Fastify's default handler
 *   does, and the socket is closed; when a response was already under way only the close is left.
 * - Node's server itself answers two more before any handler, with an empty body: an HTTP/1.1 request without Host
 *   (400, RFC 9112 §3.2) and an `Expect` other than 100-continue (417). Node's Host check is turned off
 *   (`requireHostHeader: false`) and made in front of Fastify's request handler instead, and 417 is answered from
 *   the `checkExpectation` event; both found by test/fuzz/raw-http.test.ts.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../../errors.js';

const ROUTER_REFUSALS: Record<string, ErrorCode> = {
  FST_ERR_BAD_URL: 'ERR_BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'ERR_URI_TOO_LONG',
};

/** Fastify's `frameworkErrors` option. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const code = ROUTER_REFUSALS[error.code];
  // FST_ERR_ASYNC_CONSTRAINT, the only other one, needs async route constraints, which weunion has none of.
  if (code === undefined) request.log.error({ code: error.code }, 'unexpected framework error');
  else request.log.info({ code }, 'request rejected');
  const answer = new AppError(code ?? 'ERR_INTERNAL');
  void reply.status(answer.status).send(answer.toBody());
}

/** The code for a connection-level refusal, by Node's error code (the same three cases as Fastify's default). */
function clientErrorCode(nodeCode: string): ErrorCode {
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return 'ERR_HEADERS_TOO_LARGE';
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'ERR_REQUEST_TIMEOUT';
  return 'ERR_BAD_REQUEST';
}

/** The raw HTTP/1.1 answer for a connection-level refusal. */
function clientErrorResponse(nodeCode: string): string {
  const answer = new AppError(clientErrorCode(nodeCode));
  const body = JSON.stringify(answer.toBody());
  return (
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Fastify's `clientErrorHandler` option (`this` is the Fastify instance). Only Node's code is logged: the error also
 * carries `rawPacket`, the bytes received so far, which can hold an Authorization header or a session token.
 */
export function answerClientError(this: { log: { debug(obj: object, msg: string): void } }, error: ConnectionError, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ code: error.code }, 'client error');
  // A timeout can strike after a route answered early (e.g. 429 before reading the body): a second status line
  // would corrupt that answer. Node's own fallback makes the same check on the socket's in-flight response.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) socket.write(clientErrorResponse(error.code));
  socket.destroy();
}

/**
 * Fastify's `http` option. Node's own Host check answers without a body, so `requireHost` makes it instead. Node
 * looks for requests past their timeout only every `connectionsCheckingInterval` (30 s by default, which would let
 * a 30 s timeout run to a minute): a quarter of the timeout, at most a second, keeps the cut within 25 % of it.
 * https://nodejs.org/docs/latest-v20.x/api/http.html#httpcreateserveroptions-requestlistener
 */
export function httpServerOptions(server: { requestTimeoutMs: number }): {
  requireHostHeader: false;
  requestTimeout: number;
  headersTimeout: number;
  connectionsCheckingInterval: number;
} {
  const { requestTimeoutMs } = server;
  return {
    requireHostHeader: false,
    requestTimeout: requestTimeoutMs,
    // Node refuses a headers timeout above the request timeout; its own default is 60 s.
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, Math.floor(requestTimeoutMs / 4)),
  };
}

/** Writes one typed answer on a Node response, closing the connection (these clients are broken, not busy). */
function answerRaw(response: ServerResponse, answer: AppError): void {
  const body = JSON.stringify(answer.toBody());
  response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
}

/**
 * Puts the Host check Node was told to skip in front of Fastify's request handler: an HTTP/1.1 request without Host
 * gets 400 ERR_BAD_REQUEST (RFC 9112 §3.2: a server MUST answer 400), as Node would have, but typed. A wrapper around
 * the one `request` listener rather than an onRequest hook: hooks cost every request a runner (bench/callback.ts).
 */
export function requireHost(server: Server): void {
  const [fastifyHandler, ...others] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!fastifyHandler || others.length > 0) throw new Error('requireHost: expected exactly one request listener (Fastify\u2019s)');
  server.removeListener('request', fastifyHandler);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.host !== undefined || request.httpVersionMajor !== 1 || request.httpVersionMinor < 1) return fastifyHandler(request, response);
    answerRaw(response, new AppError('ERR_BAD_REQUEST', { message: 'An HTTP/1.1 request must carry a Host header.' }));
  });
}

/** The server's `checkExpectation` listener: an `Expect` header Node cannot meet (anything but 100-continue). */
export function answerUnmetExpectation(_request: IncomingMessage, response: ServerResponse): void {
  answerRaw(response, new AppError('ERR_EXPECTATION_FAILED'));
}
