/**
 * The control API (`/__emulator/*`) moves the clock, mints codes and consents for persons: it must not be drivable by
 * a web page the developer happens to have open (issue #15). A page on any origin may send the browser to the
 * emulator with a "simple" cross-site request — a form POST (urlencoded, multipart, text/plain), a `no-cors` fetch, a
 * navigation — which needs no CORS preflight; the emulator grants no CORS at all, so anything that needs a preflight
 * never gets sent. The guard therefore refuses, on control paths only:
 *
 * - a request whose `Origin` is not the emulator's own (`http://<Host>`), `Origin: null` included — browsers send
 *   Origin on every cross-origin POST, form or fetch (https://fetch.spec.whatwg.org/#origin-header);
 * - a request whose `Sec-Fetch-Site` is `cross-site` or `same-site` (another port of localhost is same-site): it
 *   covers a cross-site GET navigation, e.g. to `GET /__emulator/oauth/decide`, which carries no Origin
 *   (https://www.w3.org/TR/fetch-metadata/); `same-origin` (the consent page's own forms) and `none` (typed) pass;
 * - a browser request (one with Origin or Sec-Fetch-Site) whose Host is not loopback, an IP literal or the host the
 *   emulator listens on: under DNS rebinding a page's own origin points at 127.0.0.1 and its requests look
 *   same-origin, but they carry the attacker's host name;
 * - a POST that is not `content-type: application/json` (415): POST is the one state-changing method a page can send
 *   without a preflight, and JSON is a content type it cannot send without one. PATCH, PUT and DELETE always need a
 *   preflight, so a body-less DELETE is fine.
 *
 * Tools that are not browsers (curl, node's fetch, the SDK's testing `wx`) send neither header and are unaffected. The
 * WeChat-facing routes (`/sns/*`, `/cgi-bin/*`, `/wxa/*`, the `/connect/*` pages) are not touched: they answer as
 * WeChat's do.
 */
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { isControlPath, pathOf } from './context.js';

/**
 * Installs the guard. `listenHost` is the host `listen()` bound (undefined before), an accepted Host besides loopback.
 * @example
 *   installControlGuard(app, () => boundHost);
 */
export function installControlGuard(app: FastifyInstance, listenHost: () => string | undefined): void {
  app.addHook('onRequest', async (request) => {
    if (!isControlPath(pathOf(request.url))) return;
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if (origin !== undefined || site !== undefined) {
      const host = request.headers.host ?? '';
      if (!trustedHost(host, listenHost())) forbid(`A browser request for host "${host}": use the emulator by loopback or IP address.`);
      if (origin !== undefined && origin !== ownOrigin(request)) forbid(`Cross-origin request from ${origin}.`);
      if (site !== undefined && site !== 'same-origin' && site !== 'none') forbid(`A ${site} request (Sec-Fetch-Site).`);
    }
    if (request.method === 'POST' && !isJson(request.headers['content-type'])) {
      throw new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', {
        message: 'Emulator control calls by POST must be content-type: application/json (a web page cannot send that cross-site).',
      });
    }
  });
}

function forbid(message: string): never {
  throw new AppError('ERR_EMULATOR_FORBIDDEN', { message: `${message} The emulator control API refuses requests a web page could forge.` });
}

/** `http://<Host>` as a browser spells an origin (lower case, default port dropped), or '' when Host is unusable. */
function ownOrigin(request: FastifyRequest): string {
  const host = request.headers.host;
  if (host === undefined || !URL.canParse(`${request.protocol}://${host}`)) return '';
  return new URL(`${request.protocol}://${host}`).origin;
}

function trustedHost(host: string, listenHost: string | undefined): boolean {
  if (!URL.canParse(`http://${host}`)) return false;
  const name = new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, '');
  return name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0 || (listenHost !== undefined && name === listenHost.toLowerCase());
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}
