/**
 * Part of graceful shutdown: once `app.close()` has begun, every response still being answered says
 * `Connection: close`, so its keep-alive socket ends with it. Node's `server.close()` only drops the sockets that are
 * idle when it is called; a request in flight at that moment would otherwise leave a kept-alive socket that holds
 * the process open until the client's keep-alive timeout (Fastify advertises 72 s).
 */
import type { FastifyInstance } from 'fastify';

/** Registers the preClose/onSend pair. Call once, on the root instance. */
export function registerCloseConnections(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // Callback style, not async: this runs for every response (bench/callback.ts).
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
