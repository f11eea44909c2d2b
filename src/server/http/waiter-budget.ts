/**
 * How many requests may wait at once (long polls, event streams): in all and per client IP, so one client cannot hold
 * thousands of sockets and timers (security finding #6: 2,500 streams from one client took the server to 98 % CPU).
 * `enter` answers a release function, or throws 429 ERR_RATE_LIMITED when a budget is spent.
 */
import { AppError } from '../../errors.js';

export interface WaiterBudget {
  enter(ip: string): () => void;
}

export function createWaiterBudget(limits: { total: number; perIp: number }): WaiterBudget {
  let total = 0;
  const byIp = new Map<string, number>();
  return Object.freeze({
    enter(ip: string) {
      const mine = byIp.get(ip) ?? 0;
      if (total >= limits.total || mine >= limits.perIp) {
        throw new AppError('ERR_RATE_LIMITED', { message: 'Too many waiting requests; poll again shortly.', details: { retryAfterSeconds: 2 } });
      }
      total++;
      byIp.set(ip, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total--;
        const left = (byIp.get(ip) ?? 1) - 1;
        if (left <= 0) byIp.delete(ip);
        else byIp.set(ip, left);
      };
    },
  });
}
