/**
 * #15a: deduplication of official-account events. Keyed on FromUserName + CreateTime + Event alone, two *different*
 * events of one person in the same second (two menu clicks, two location reports) became one job and the second was
 * answered "already accepted" and dropped. WeChat's retries — the same XML again, freshly signed (and in safe mode
 * freshly encrypted) — must still collapse. Through HTTP (startHarness signs and encrypts the pushes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventXml, GH, type Harness, startHarness } from '../helpers/oa-harness.js';

let h: Harness;
const now = () => Math.floor(h.clock.now() / 1000);

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const locationXml = (latitude: string, createTime: number) =>
  `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[o-person-1]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>${latitude}</Latitude><Longitude>113.3</Longitude><Precision>119.3</Precision></xml>`;

async function accepted(xml: string, mode: 'plain' | 'safe' = 'plain'): Promise<void> {
  const r = await h.push(xml, { mode });
  expect([r.status, r.body]).toEqual([200, 'success']);
}

describe('official-account event deduplication', () => {
  it.each(['plain', 'safe'] as const)('keeps two different events of one person in one second apart, and still folds retries (%s)', async (mode) => {
    const t = now();
    const menuA = eventXml('CLICK', { createTime: t, eventKey: 'MENU_A' });
    const menuB = eventXml('CLICK', { createTime: t, eventKey: 'MENU_B' });
    await accepted(menuA, mode);
    await accepted(menuB, mode);
    expect(await h.jobCount()).toBe(2);
    // WeChat's retries: the same XML, a new nonce and signature (and a new encryption): nothing more is recorded.
    await accepted(menuA, mode);
    await accepted(menuB, mode);
    await accepted(menuA, mode);
    expect(await h.jobCount()).toBe(2);

    await accepted(locationXml('23.1', t), mode);
    await accepted(locationXml('23.2', t), mode);
    await accepted(locationXml('23.1', t), mode);
    expect(await h.jobCount()).toBe(4);
  });
});
