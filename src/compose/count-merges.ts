/**
 * The merges counter (`weunion_merges_total`) fed from the identity service itself, so every road that merges —
 * logins, the official-account lookups, what comes later — is counted in one place, without the flows knowing.
 */
import type { IdentityService } from '../identity/index.js';
import type { ServiceMetrics } from './service-metrics.js';

/**
 * `identity` with its `resolve` counting the users each call merged; `identity` itself when there are no metrics.
 * @example
 *   const identity = countMerges(metrics, createIdentityService({ identity: store.identity, profile, clock }));
 */
export function countMerges(metrics: Pick<ServiceMetrics, 'merged'> | null, identity: IdentityService): IdentityService {
  if (metrics === null) return identity;
  return Object.freeze({
    ...identity,
    resolve: async (...args: Parameters<IdentityService['resolve']>) => {
      const result = await identity.resolve(...args);
      metrics.merged(result.mergedUserIds.length, args[0].unionKey);
      return result;
    },
  });
}
