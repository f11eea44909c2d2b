/**
 * The admin API keys of a deployment (config `admin.keys[]`). Only a key's SHA-256 is configured, never the key
 * itself: `weunion admin key` mints one and prints the line to paste (docs/admin.md). `scopes`: `read` finds and
 * shows people, `write` also changes them (link, unlink, merge, erase, export). `union`: a key limited to one
 * union (tenant) sees nothing of the others.
 */
import { z } from 'zod';

export const ADMIN_SCOPES = ['read', 'write'] as const;
export type AdminScope = (typeof ADMIN_SCOPES)[number];

export const adminKeySchema = z.strictObject({
  /** Who acts: recorded as the `actor` of every event the key writes. */
  name: z.string().regex(/^[A-Za-z0-9_.@:-]{1,64}$/, 'an admin key name is 1–64 characters of [A-Za-z0-9_.@:-]'),
  /** The SHA-256 of the key, lower-case hex (`weunion admin key` prints it). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 is the 64 lower-case hex digits of the key’s SHA-256'),
  scopes: z.array(z.enum(ADMIN_SCOPES)).min(1, 'give the key at least one scope'),
  /** Our id of the one union this key may see; absent = every union. */
  union: z.string().min(1).optional(),
});

export const adminSchema = z
  .strictObject({
    keys: z.array(adminKeySchema).default([]),
  })
  .prefault({});

export type AdminKeyConfig = z.output<typeof adminKeySchema>;
