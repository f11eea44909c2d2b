/** Request bodies of the mini program routes. Lengths are generous bounds on what WeChat produces, not guesses. */
import { z } from 'zod';

const printable = /^[\x21-\x7e]+$/;

export const userDataFields = {
  encryptedData: z.string().min(1).max(16_384),
  iv: z.string().min(1).max(64),
  rawData: z.string().min(1).max(8192).optional(),
  signature: z
    .string()
    .regex(/^[0-9a-fA-F]{40}$/, 'a 40-character hex sha1')
    .optional(),
};

/**
 * Fields of the `wx.getUserInfo` / `wx.getUserProfile` result that clients often forward as they are. Accepted and
 * ignored (the profile is read from the decrypted data, never trusted from plaintext); anything else is rejected.
 */
const forwardedWxFields = {
  userInfo: z.record(z.string(), z.unknown()).optional(),
  errMsg: z.string().max(256).optional(),
  cloudID: z.string().max(1024).optional(),
};

function pairs<T extends { encryptedData?: unknown; iv?: unknown; rawData?: unknown; signature?: unknown }>(body: T, ctx: z.RefinementCtx): void {
  if ((body.encryptedData === undefined) !== (body.iv === undefined))
    ctx.addIssue({ code: 'custom', path: [body.iv === undefined ? 'iv' : 'encryptedData'], message: 'encryptedData and iv go together' });
  if ((body.rawData === undefined) !== (body.signature === undefined))
    ctx.addIssue({ code: 'custom', path: [body.signature === undefined ? 'signature' : 'rawData'], message: 'rawData and signature go together' });
}

export const loginBody = z
  .strictObject({
    code: z.string().min(1).max(128).regex(printable, 'printable ASCII'),
    encryptedData: userDataFields.encryptedData.optional(),
    iv: userDataFields.iv.optional(),
    rawData: userDataFields.rawData,
    signature: userDataFields.signature,
    ...forwardedWxFields,
  })
  .superRefine(pairs);

export const unionidBody = z
  .strictObject({
    encryptedData: userDataFields.encryptedData,
    iv: userDataFields.iv,
    rawData: userDataFields.rawData,
    signature: userDataFields.signature,
    ...forwardedWxFields,
  })
  .superRefine(pairs);

export const appidParams = z.strictObject({ appid: z.string().min(1).max(64) });
