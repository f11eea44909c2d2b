import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { feedKeyMatches } from '../../src/webhooks/feed-key.js';

const hash = createHash('sha256').update('feed-key-1').digest('hex');

describe('feedKeyMatches()', () => {
  it('accepts the key whose SHA-256 is configured, in either hex case', () => {
    expect(feedKeyMatches('feed-key-1', hash)).toBe(true);
    expect(feedKeyMatches('feed-key-1', hash.toUpperCase())).toBe(true);
  });
  it('refuses another, empty or missing key, and any key against a malformed hash', () => {
    expect(feedKeyMatches('feed-key-2', hash)).toBe(false);
    expect(feedKeyMatches('', hash)).toBe(false);
    expect(feedKeyMatches(undefined, hash)).toBe(false);
    expect(feedKeyMatches('feed-key-1', undefined)).toBe(false);
    expect(feedKeyMatches('feed-key-1', 'feed-key-1')).toBe(false); // the key itself, not its hash
  });
});
