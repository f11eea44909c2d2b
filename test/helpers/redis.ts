/**
 * Redis for tests: 127.0.0.1:6379 (override with WEUNION_TEST_REDIS_URL). Each test file works under its own
 * key prefix (`t:<random>:`), whose keys are deleted afterwards.
 * Unreachable server: in CI (CI=true) the suite fails; elsewhere it is skipped with a message.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';

export const TEST_REDIS_URL = process.env.WEUNION_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * True when Redis answers. False (with a console warning) when it does not and we are not in CI;
 * throws in CI so a missing Redis can never turn into a green run.
 */
export async function redisAvailable(): Promise<boolean> {
  const client = rawRedis({ connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // the ping's rejection says it; no "Unhandled error event" noise
  try {
    await client.ping();
    return true;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (process.env.CI === 'true') throw new Error(`Redis at ${redact(TEST_REDIS_URL)} is unreachable and CI=true: failing (${why})`);
    console.warn(`\n[weunion tests] SKIPPING Redis tests: ${redact(TEST_REDIS_URL)} unreachable (${why}). Set CI=true to fail instead.\n`);
    return false;
  } finally {
    client.disconnect();
  }
}

/** A separate ioredis client on the test server (e.g. to read raw keys); the caller disconnects it. */
export function rawRedis(options: RedisOptions = {}): Redis {
  return new Redis(TEST_REDIS_URL, { lazyConnect: true, ...options });
}

export interface TestKeyPrefix {
  /** `t:<random>:`, unique to this test file. */
  prefix: string;
  /** Deletes every key under the prefix. */
  clean(): Promise<void>;
}

/** A unique key prefix for one test file; call clean() in afterAll (and between tests if needed). */
export function testKeyPrefix(): TestKeyPrefix {
  const prefix = `t:${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    async clean() {
      const client = rawRedis();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          if (keys.length > 0) await client.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
