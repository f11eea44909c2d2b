/**
 * The cookie that ties a scan-to-follow login to the browser that created it (security finding #7): the QR id
 * travels in URLs (the poll URL, logs, a shared link), so alone it must not hand out the login code. `POST
 * /v1/oa/:appid/qr-login` sets an HttpOnly cookie holding a random binding; only its hash is stored with the login;
 * a poll that finds the login done gets the code only with the cookie. Path-scoped to the polls, SameSite=Lax.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mountPath } from './mount-path.js';
import { readCookie } from './read-cookie.js';

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');
/** One cookie per login: named after a hash of the id, never the id itself. */
const cookieName = (id: string) => `weunion_qr_${hash(id).slice(0, 16)}`;

export function setQrLoginCookie(request: FastifyRequest, reply: FastifyReply, id: string, binding: string, maxAgeSeconds: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${cookieName(id)}=${binding}; Path=${mountPath(request)}/v1/qr-login/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`,
  );
}

/** Whether the request carries the cookie of login `id` whose binding hashes to `storedHash`. */
export function qrLoginCookieMatches(request: FastifyRequest, id: string, storedHash: unknown): boolean {
  if (typeof storedHash !== 'string') return false;
  const value = readCookie(request, cookieName(id));
  return value !== undefined && hash(value) === storedHash;
}
