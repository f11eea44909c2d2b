import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { PublicEvent } from '../../src/events/index.js';
import { signedRequest, webhookSigner } from '../../src/webhooks/signed-request.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const event: PublicEvent = {
  id: 'evt_3',
  type: 'user.merged',
  time: '2026-12-03T16:30:00.000Z',
  union: 'acme',
  userId: 'u_b',
  liveUserId: 'u_b',
  data: { survivorUserId: 'u_b', mergedUserId: 'u_a', moved: { appIdentities: 1, unionIdentities: 0 }, phoneCarried: false, via: {} },
};

describe('signedRequest()', () => {
  it('is verified by the standardwebhooks library and carries the event id as webhook-id', () => {
    const now = Date.now();
    const req = signedRequest(event, SECRET, now);
    expect(new Webhook(SECRET).verify(req.body, req.headers)).toEqual(event);
    expect(req.headers['webhook-id']).toBe('evt_3');
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(JSON.stringify(req)).not.toContain(SECRET.slice('whsec_'.length));
  });
  it('fails verification with another secret, a changed body or an old timestamp', () => {
    const req = signedRequest(event, SECRET, Date.now());
    expect(() => new Webhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA').verify(req.body, req.headers)).toThrow();
    expect(() => new Webhook(SECRET).verify(req.body.replace('u_a', 'u_x'), req.headers)).toThrow();
    const old = signedRequest(event, SECRET, Date.now() - 3_600_000);
    expect(() => new Webhook(SECRET).verify(old.body, old.headers)).toThrow(); // outside the library's 5 min tolerance
  });
  it('a signer made once signs every event with the same secret, each verified by the library', () => {
    const sign = webhookSigner(SECRET);
    const now = Date.now();
    for (const [i, e] of [event, { ...event, id: 'evt_4', type: 'user.created' }].entries()) {
      const req = sign(e, now + i);
      expect(new Webhook(SECRET).verify(req.body, req.headers)).toEqual(e);
      expect(req.headers['webhook-id']).toBe(e.id);
      expect(req).toEqual(signedRequest(e, SECRET, now + i));
    }
  });
});
