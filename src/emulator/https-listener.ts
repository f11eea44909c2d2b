/**
 * The emulator's optional HTTPS listener (issue #15): the same Fastify app — routes, hooks, state — behind a second,
 * TLS server, so one emulator answers `http://` (weunion's own default) and `https://` (for SDKs that build only
 * https URLs) at once. `app.routing` is Fastify's full request handler (hooks included), the one its own server uses.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type EmulatorAddress, emulatorAddress } from './emulator-address.js';

export interface HttpsListenOptions {
  /** PEM private key and certificate chain of the server, e.g. `ensureLocalCa()`'s `key` and `cert`. */
  key: string | Buffer;
  cert: string | Buffer;
  /** 0 = any free port (default). */
  port?: number;
  host?: string;
}

export interface HttpsListener {
  readonly address: EmulatorAddress;
  close(): Promise<void>;
}

/** Starts the TLS server on `host:port` once the app is ready. */
export async function listenHttps(app: FastifyInstance, options: HttpsListenOptions & { host: string }): Promise<HttpsListener> {
  await app.ready();
  const server: Server = createServer({ key: options.key, cert: options.cert }, (req, res) => app.routing(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  const address = emulatorAddress(info, options.host, `https://${urlHost(options.host, info.address)}:${info.port}`);
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A host name the certificate covers: the one asked for when it is a name, loopback for a wildcard bind. */
function urlHost(asked: string, bound: string): string {
  if (asked === 'localhost') return asked;
  const ip = bound === '0.0.0.0' ? '127.0.0.1' : bound === '::' ? '::1' : bound;
  return ip.includes(':') ? `[${ip}]` : ip;
}
