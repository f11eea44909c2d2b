/**
 * GET /cgi-bin/showqrcode?ticket=… — the QR code image behind a ticket (served by mp.weixin.qq.com; the emulator
 * serves it too, so a sandbox's `mpBaseUrl` can point here)
 * (https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html).
 * Instead of a QR code: a small SVG naming the ticket's account and how to scan it through the control API.
 * Tickets hold `+`, `/` and `=`, so a caller that forgets to URL-encode one gets 404 here, as from WeChat.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { escapeHtml } from '../html.js';
import { queryParam } from '../wechat-reply.js';

export function registerShowQrcode(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  app.get('/cgi-bin/showqrcode', async (request, reply) => {
    const ticket = queryParam(request.query, 'ticket');
    const found = ticket === undefined ? undefined : state.tickets.lookup(ticket);
    if (ticket === undefined || found === undefined || !found.ok) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(found?.ok === false && found.reason === 'expired' ? 'QR code expired' : 'no such ticket');
    }
    const lines = [`QR code of ${found.ticket.appid}`, `scene ${String(found.ticket.scene)}`, 'scan: POST /__emulator/persons/:id/scan', '{ appid, ticket }'];
    const text = lines.map((l, i) => `<text x="12" y="${28 + i * 22}" font-family="monospace" font-size="14">${escapeHtml(l)}</text>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="430" height="120"><rect width="100%" height="100%" fill="#fff" stroke="#000"/>${text}</svg>`;
    return reply.code(200).type('image/svg+xml').send(svg);
  });
}
