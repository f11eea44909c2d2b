/** A tiny callback server for push tests: records every request and answers per a scripted queue of behaviours. */
import Fastify, { type FastifyInstance } from 'fastify';

/** How to answer the next push: `success`, an empty body, a 500, a raw body, never (timeout), or drop the connection. */
export type Behaviour = 'success' | 'empty' | '500' | 'timeout' | 'drop' | { body: string; status?: number };

export interface Received {
  query: Record<string, string>;
  body: string;
  contentType: string | undefined;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The echostr GETs (server-URL checks), kept apart from the pushes. */
  checks: Received[];
  /** How the next echostr GETs answer: echo it back (default) or a fixed body. */
  answerChecks(body: 'echo' | string): void;
  /** Behaviours for the next requests, in order; once used up, `success`. */
  script(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

export async function startReceiver(path = '/callback'): Promise<Receiver> {
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  const received: Received[] = [];
  let queue: Behaviour[] = [];
  const checks: Received[] = [];
  let checkAnswer = 'echo';
  app.get(path, async (request, reply) => {
    const query = { ...(request.query as Record<string, string>) };
    checks.push({ query, body: '', contentType: undefined });
    return reply.type('text/plain').send(checkAnswer === 'echo' ? (query.echostr ?? '') : checkAnswer);
  });
  app.post(path, async (request, reply) => {
    received.push({
      query: { ...(request.query as Record<string, string>) },
      body: String(request.body ?? ''),
      contentType: request.headers['content-type'],
    });
    const b = queue.shift() ?? 'success';
    if (b === 'timeout') {
      reply.hijack(); // never answer; the emulator gives up and drops the connection
      return;
    }
    if (b === 'drop') {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (b === '500') return reply.code(500).send('oops');
    if (b === 'empty') return reply.code(200).send('');
    if (b === 'success') return reply.code(200).type('text/plain').send('success');
    return reply
      .code(b.status ?? 200)
      .type('text/xml')
      .send(b.body);
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `${base}${path}`,
    received,
    checks,
    answerChecks: (body) => {
      checkAnswer = body;
    },
    script: (...behaviours) => {
      queue = behaviours;
    },
    close: () => app.close(),
  };
}
