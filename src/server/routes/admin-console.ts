/**
 * The admin console (docs/admin.md "Console"): `GET /admin` (the page), `/admin/console.js`, `/admin/console.css`
 * — static text compiled into the package, no build step for the user and nothing fetched from elsewhere. The page
 * holds no data and needs no key to load; everything it shows comes from the admin API, with the key the operator
 * types in. Its CSP lets it load only its own script and stylesheet and talk only to this origin, so a value from
 * the API that slipped into markup could not run.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_PAGE } from '../console/console-page.js';
import { CONSOLE_SCRIPT } from '../console/console-script.js';
import { CONSOLE_STYLE } from '../console/console-style.js';
import { described } from '../http/route-contract.js';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(reply: FastifyReply, type: string, body: string): FastifyReply {
  return (
    reply
      .type(type)
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      // Revalidated on each load: a weunion upgrade serves the new console at once.
      .header('cache-control', 'no-cache')
      .send(body)
  );
}

export function registerAdminConsole(app: FastifyInstance): void {
  app.get('/admin', described({ summary: 'The admin console (HTML; signs in with an admin key)', answers: 'text/html' }), async (_request, reply) =>
    send(reply, 'text/html; charset=utf-8', CONSOLE_PAGE),
  );
  app.get('/admin/console.js', described({ summary: "The admin console's script", answers: 'text/javascript' }), async (_request, reply) =>
    send(reply, 'text/javascript; charset=utf-8', CONSOLE_SCRIPT),
  );
  app.get('/admin/console.css', described({ summary: "The admin console's stylesheet", answers: 'text/css' }), async (_request, reply) =>
    send(reply, 'text/css; charset=utf-8', CONSOLE_STYLE),
  );
}
