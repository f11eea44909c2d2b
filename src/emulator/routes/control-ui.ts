/**
 * The emulator's state page: `GET /__emulator/ui` (HTML), `/__emulator/ui.js`, `/__emulator/ui.css` — static text
 * compiled into the package (src/emulator/ui/). The page holds no data; its script reads the control API's GET
 * routes. They sit under the control prefix, so the control guard (control-guard.ts) applies: a typed address
 * (`Sec-Fetch-Site: none`) and the page's own fetches (`same-origin`) pass, a cross-site page cannot frame or read
 * it. The CSP lets it load only its own script and stylesheet and talk only to this origin.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONTROL_PREFIX } from '../context.js';
import { UI_PAGE } from '../ui/ui-page.js';
import { UI_SCRIPT } from '../ui/ui-script.js';
import { UI_STYLE } from '../ui/ui-style.js';

export const EMULATOR_UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(reply: FastifyReply, type: string, body: string): FastifyReply {
  return reply
    .type(type)
    .header('content-security-policy', EMULATOR_UI_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-cache')
    .send(body);
}

export function registerControlUi(app: FastifyInstance): void {
  app.get(`${CONTROL_PREFIX}/ui`, async (_request, reply) => send(reply, 'text/html; charset=utf-8', UI_PAGE));
  app.get(`${CONTROL_PREFIX}/ui.js`, async (_request, reply) => send(reply, 'text/javascript; charset=utf-8', UI_SCRIPT));
  app.get(`${CONTROL_PREFIX}/ui.css`, async (_request, reply) => send(reply, 'text/css; charset=utf-8', UI_STYLE));
}
