/**
 * Ties an OAuth state to the browser that started the flow (login-CSRF defence). Without it, someone could start a
 * login with their own WeChat account, stop before the callback, and send that callback URL to a victim, whose
 * browser would land on the site logged in as the attacker. `/authorize` sets an HttpOnly cookie holding a random
 * value and stores only its hash with the state; the callback requires the cookie. SameSite=Lax: the callback is a
 * top-level GET navigation from WeChat's page, on which Lax cookies are sent.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mountPath } from './mount-path.js';
import { readCookie } from './read-cookie.js';

const cookieName = (state: string) => `weunion_oauth_${state.slice(0, 16)}`;
const hash = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Sets the cookie for a new state; returns the hash to store with it. */
export function bindBrowser(request: FastifyRequest, reply: FastifyReply, state: string, binding: string, ttlSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${cookieName(state)}=${binding}; Path=${mountPath(request)}/v1/; Max-Age=${ttlSeconds}; HttpOnly; SameSite=Lax${secure}`);
  return hash(binding);
}

/** True when the request carries the cookie whose hash was stored with this state. */
export function browserMatches(request: FastifyRequest, state: string, storedHash: unknown): boolean {
  if (typeof storedHash !== 'string') return false;
  const value = readCookie(request, cookieName(state));
  return value !== undefined && hash(value) === storedHash;
}

/** Clears the cookie once the state is used. */
export function unbindBrowser(reply: FastifyReply, state: string): void {
  reply.header('set-cookie', `${cookieName(state)}=; Path=${mountPath(reply.request)}/v1/; Max-Age=0; HttpOnly; SameSite=Lax`);
}
