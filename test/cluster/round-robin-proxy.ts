/**
 * The cluster tests' load balancer: an HTTP proxy that sends each request to the next live instance in turn. WeChat's
 * side of the traffic (official-account pushes, OAuth redirects back to `publicUrl`) goes through it, as it would
 * through a real balancer. A backend that refuses or drops the connection before answering is skipped and the request
 * (its body is buffered) goes to the next one, so a killed instance costs a retry, not a lost push.
 */
import http from 'node:http';

export interface RoundRobinProxy {
  url: string;
  /** Replaces the backends (base URLs). */
  setBackends(urls: string[]): void;
  /** Requests answered per backend URL. */
  served(): Record<string, number>;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let backends: URL[] = [];
  let next = 0;
  const served: Record<string, number> = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  function forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, tries: number): void {
    if (backends.length === 0 || tries >= backends.length * 2) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('no live backend');
      return;
    }
    const target = backends[next++ % backends.length]!;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
      (answer) => {
        served[target.origin] = (served[target.origin] ?? 0) + 1;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) res.destroy();
      else forward(req, body, res, tries + 1); // refused or dropped before answering: the next instance
    });
    upstream.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, Buffer.concat(chunks), res, 0));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    setBackends(urls) {
      backends = urls.map((u) => new URL(u));
    },
    served: () => ({ ...served }),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
