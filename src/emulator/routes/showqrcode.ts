/**
 * GET /cgi-bin/showqrcode?ticket=… — the QR code image behind a ticket (served by mp.weixin.qq.com; the emulator
 * serves it too, so a sandbox's `mpBaseUrl` can point here)
 * (https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html:
 * "HTTP头（示例）如下：Content-Type: image/jpg"). The emulator answers a JPEG too: a QR-looking 21×21 block picture
 * derived from the ticket (not a scannable code — scan through `POST /__emulator/persons/:id/scan { appid, ticket }`).
 * Tickets are URL-safe base64 without padding, so they survive an unencoded query string, as WeChat's do.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { blockJpeg } from '../block-jpeg.js';
import type { EmulatorContext } from '../context.js';
import { queryParam } from '../wechat-reply.js';

const SIZE = 21;
const QUIET = 2;

/** True inside one of the three 7×7 finder squares (ring, gap, 3×3 core). */
function finder(r: number, c: number): boolean | undefined {
  for (const [r0, c0] of [
    [0, 0],
    [0, SIZE - 7],
    [SIZE - 7, 0],
  ] as const) {
    const y = r - r0;
    const x = c - c0;
    if (y < -1 || y > 7 || x < -1 || x > 7) continue;
    if (y === -1 || y === 7 || x === -1 || x === 7) return false;
    return y === 0 || y === 6 || x === 0 || x === 6 || (y >= 2 && y <= 4 && x >= 2 && x <= 4);
  }
  return undefined;
}

/** The block picture of a ticket: finder squares plus bits of the ticket's SHA-256, with a white quiet zone. */
export function ticketPicture(ticket: string): boolean[][] {
  let bits = createHash('sha256').update(ticket).digest();
  while (bits.length * 8 < SIZE * SIZE) bits = Buffer.concat([bits, createHash('sha256').update(bits).digest()]);
  const n = SIZE + 2 * QUIET;
  return Array.from({ length: n }, (_, rr) =>
    Array.from({ length: n }, (_, cc) => {
      const r = rr - QUIET;
      const c = cc - QUIET;
      if (r < 0 || c < 0 || r >= SIZE || c >= SIZE) return false;
      const i = r * SIZE + c;
      return finder(r, c) ?? ((bits[i >> 3] as number) & (1 << (i & 7))) !== 0;
    }),
  );
}

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
    return reply
      .code(200)
      .header('content-type', 'image/jpg')
      .send(blockJpeg(ticketPicture(ticket)));
  });
}
