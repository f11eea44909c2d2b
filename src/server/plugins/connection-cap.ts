/**
 * A cap on the connections one peer address holds open at once (`server.maxConnectionsPerIp`). Node's request
 * timeout (framework-errors.ts `httpServerOptions`) bounds how long one trickling socket lives; without a cap one
 * host could still open thousands of them and starve everybody else of sockets (the #5 report: 2,000 at once).
 *
 * The connection over the cap is answered at once, before it has sent anything — there is no request to wait for,
 * and waiting would let it hold a socket after all —, with 429 `ERR_TOO_MANY_CONNECTIONS` and `Connection: close`,
 * then ended; a request it still sends on it is never handed to Fastify. The count is per socket address: behind a
 * proxy that is the proxy's, so there the cap must be raised (or 0, off) and clients capped at the proxy.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AppError } from '../../errors.js';

/** How long a refused socket may linger for the client to read the answer and close its side. */
const REFUSED_LINGER_MS = 2000;

function refusal(): string {
  const answer = new AppError('ERR_TOO_MANY_CONNECTIONS');
  const body = JSON.stringify(answer.toBody());
  return (
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Counts connections per peer address on `server` and refuses those over `cap` (0 = no cap). Call after
 * `requireHost` (it wraps the one request listener in the same way).
 * @example
 *   capConnectionsPerIp(app.server, config.server.maxConnectionsPerIp, app.log);
 */
export function capConnectionsPerIp(server: Server, cap: number, log: { info(obj: object, msg: string): void }): void {
  if (cap === 0) return;
  const open = new Map<string, number>();
  const refused = new WeakSet<Socket>();

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return; // already gone
    const count = open.get(address) ?? 0;
    if (count >= cap) {
      refused.add(socket);
      log.info({ code: 'ERR_TOO_MANY_CONNECTIONS', open: count }, 'connection refused');
      socket.end(refusal());
      socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });

  // The parser still reads a refused socket (Node attached it before this listener ran): drop what it parses.
  const [handler, ...others] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!handler || others.length > 0) throw new Error('capConnectionsPerIp: expected exactly one request listener');
  server.removeListener('request', handler);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (refused.has(request.socket)) {
      request.socket.destroy();
      return;
    }
    handler(request, response);
  });
}
