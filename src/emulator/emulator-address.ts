/**
 * Where the emulator listens (issue #2). It defaults to loopback: the control API mints codes and sessions for anyone
 * who can reach it, so reaching it from the network must be asked for (`listen({ host: '0.0.0.0' })`). After
 * `listen()`, `emulator.address()` says what was bound, so a caller can name it in a banner or refuse a non-loopback
 * emulator where that must not happen.
 */
import type { AddressInfo } from 'node:net';

/** The host `listen()` binds when none is given. */
export const DEFAULT_EMULATOR_HOST = '127.0.0.1';

export interface EmulatorAddress {
  /** The host asked for (`DEFAULT_EMULATOR_HOST` when none was), e.g. `127.0.0.1`, `localhost`, `0.0.0.0`. */
  readonly host: string;
  /** The address the socket is bound to, e.g. `127.0.0.1`, `::1`, `0.0.0.0`, `::`. */
  readonly address: string;
  readonly port: number;
  /** The base URL `listen()` resolved to. */
  readonly url: string;
  /** True when only this machine can connect (127.0.0.0/8, ::1, or IPv4-mapped 127.x). */
  readonly loopback: boolean;
}

/** True for an IP of the loopback interface. */
export function isLoopbackAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || ip === '::1';
}

/**
 * The address of a listening server.
 * @example
 *   const bound = emulatorAddress(app.server.address() as AddressInfo, '127.0.0.1', url); // { loopback: true, … }
 */
export function emulatorAddress(info: AddressInfo, host: string, url: string): EmulatorAddress {
  return Object.freeze({ host, address: info.address, port: info.port, url, loopback: isLoopbackAddress(info.address) });
}
