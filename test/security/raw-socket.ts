/**
 * A raw TCP client for the connection-level tests: what fetch will not do (trickle a body, hold a half-sent request,
 * pick the source address). Collects what the server sends and notices when it closes the connection.
 */
import { connect, type Socket } from 'node:net';

export interface RawClient {
  socket: Socket;
  /** Everything received so far, as text. */
  received(): string;
  /** Resolves once the server has closed (or reset) the connection. */
  closed: Promise<void>;
  /** Resolves when what was received matches `pattern` (rejects if the connection closes first). */
  waitFor(pattern: RegExp): Promise<string>;
}

/** Opens a connection to `serverUrl`, from `localAddress` when given (any 127.x.y.z is loopback on Linux). */
export function openRaw(serverUrl: string, localAddress?: string): Promise<RawClient> {
  const { hostname, port } = new URL(serverUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(port), host: hostname, ...(localAddress ? { localAddress } : {}) });
    let text = '';
    const waiters = new Set<() => void>();
    let isClosed = false;
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        isClosed = true;
        for (const w of waiters) w();
        r();
      }),
    );
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      for (const w of waiters) w();
    });
    socket.on('error', () => undefined); // a reset shows as `closed`
    const waitFor = (pattern: RegExp) =>
      new Promise<string>((ok, fail) => {
        const check = () => {
          if (pattern.test(text)) {
            waiters.delete(check);
            ok(text);
          } else if (isClosed) {
            waiters.delete(check);
            fail(new Error(`connection closed before ${pattern}; received ${JSON.stringify(text.slice(0, 300))}`));
          }
        };
        waiters.add(check);
        check();
      });
    socket.once('connect', () => resolve({ socket, received: () => text, closed, waitFor }));
    socket.once('error', reject);
  });
}

/** An HTTP/1.1 keep-alive GET of `path`. */
export const rawGet = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
