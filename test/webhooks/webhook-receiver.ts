/**
 * A webhook receiver on loopback for tests, as a business would write one: it verifies every request with the
 * `standardwebhooks` library (never with weunion's code) and records what it accepted. It can refuse a number of
 * requests first (answering 503), answer 410, or be down (its port closed) and come back on the same port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  userId: string;
  liveUserId: string;
  union: string | null;
  data: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  /** Events accepted (2xx), in arrival order. */
  accepted: Received[];
  /** Every request that reached the handler (accepted or refused), by webhook-id. */
  attempts: string[];
  /** Requests whose signature did not verify (must stay empty). */
  forged: number;
  failNext(n: number, status?: number): void;
  /** The next `n` requests: answer after `ms` (a slow receiver). */
  slowNext(n: number, ms: number): void;
  /** Answer 200 with this many bytes of body (a receiver that talks too much). */
  hugeBodies(bytes: number): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export async function startReceiver(): Promise<Receiver> {
  const wh = new Webhook(SECRET);
  let failing = 0;
  let failStatus = 503;
  let slow = 0;
  let slowMs = 0;
  let huge = 0;
  let server: Server | null = null;
  let port = 0;
  const r: Receiver = {
    url: '',
    accepted: [],
    attempts: [],
    forged: 0,
    failNext(n, status = 503) {
      failing = n;
      failStatus = status;
    },
    slowNext(n, ms) {
      slow = n;
      slowMs = ms;
    },
    hugeBodies(bytes) {
      huge = bytes;
    },
    down: () => close(),
    up: () => listen(),
    close: () => close(),
  };
  function handler(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let event: Received;
      try {
        event = wh.verify(body, req.headers as Record<string, string>) as Received;
      } catch {
        r.forged++;
        res.writeHead(400).end();
        return;
      }
      r.attempts.push(event.id);
      if (slow > 0) {
        slow--;
        setTimeout(() => res.writeHead(204).end(), slowMs).unref();
        return;
      }
      if (huge > 0) {
        r.accepted.push(event);
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 120);
        let left = huge;
        const pump = () => {
          while (left > 0) {
            left -= chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
      if (failing > 0) {
        failing--;
        res.writeHead(failStatus).end('not now');
        return;
      }
      r.accepted.push(event);
      res.writeHead(204).end();
    });
  }
  function listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = createServer(handler);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        port = (s.address() as AddressInfo).port;
        r.url = `http://127.0.0.1:${port}/hooks`;
        resolve();
      });
    });
  }
  function close(): Promise<void> {
    const s = server;
    server = null;
    if (!s) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((resolve) => s.close(() => resolve()));
  }
  await listen();
  return r;
}
