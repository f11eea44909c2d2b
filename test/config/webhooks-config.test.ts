import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { thrown } from '../helpers/expect-error.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const base = (endpoint: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  unions: [{ id: 'acme' }],
  apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram', union: 'acme' }],
  webhooks: { endpoints: [{ id: 'crm', union: 'acme', url: 'https://hooks.example.com/weunion', secret: SECRET, ...endpoint }], ...extra },
});

function configError(input: unknown): string {
  const e = thrown(() => parseConfig(input));
  expect(e.code).toBe('ERR_CONFIG_INVALID');
  return e.message;
}

describe('webhooks config', () => {
  it('accepts an https endpoint with a whsec_ secret and a type filter, with defaults', () => {
    const cfg = parseConfig(base({ events: ['user.merged'] }));
    expect(cfg.webhooks.endpoints[0]).toMatchObject({ id: 'crm', union: 'acme', events: ['user.merged'] });
    expect(cfg.webhooks).toMatchObject({ allowPrivateAddresses: false, retryWindowMs: 86_400_000 });
    expect(parseConfig({ apps: base({}).apps, unions: [{ id: 'acme' }] }).webhooks.endpoints).toEqual([]);
  });

  it.each([
    ['ftp://hooks.example.com/x', /webhooks\.endpoints\.0\.url: the webhook URL must be http\(s\)/],
    ['file:///etc/passwd', /webhooks\.endpoints\.0\.url: the webhook URL must be http\(s\)/],
    ['not a url', /webhooks\.endpoints\.0\.url: the webhook URL is not a URL/],
    ['http://169.254.169.254/latest/meta-data', /webhooks\.endpoints\.0\.url: .*link-local/],
    ['http://[fe80::1]/x', /link-local/],
    ['http://metadata.google.internal/computeMetadata', /link-local/],
    ['http://127.0.0.1:8080/x', /webhooks\.endpoints\.0\.url: .*loopback or private/],
    ['http://localhost/x', /loopback or private/],
    ['http://10.1.2.3/x', /loopback or private/],
    ['http://172.20.0.1/x', /loopback or private/],
    ['http://192.168.1.1/x', /loopback or private/],
    ['http://[::1]/x', /loopback or private/],
    ['http://[::ffff:127.0.0.1]/x', /loopback or private/],
    ['https://user:pw@hooks.example.com/x', /must not carry credentials/],
  ])('refuses %s, naming the field', (url, message) => {
    expect(configError(base({ url }))).toMatch(message);
  });

  it('allows loopback and private addresses only with allowPrivateAddresses, never link-local', () => {
    expect(parseConfig(base({ url: 'http://127.0.0.1:8080/x' }, { allowPrivateAddresses: true })).webhooks.endpoints[0]!.url).toBe('http://127.0.0.1:8080/x');
    expect(configError(base({ url: 'http://169.254.169.254/' }, { allowPrivateAddresses: true }))).toMatch(/link-local/);
  });

  it('refuses a bad secret, an unknown union, a malformed type and a duplicate id, without echoing the secret', () => {
    const weak = configError(base({ secret: 'hunter2-not-whsec' }));
    expect(weak).toMatch(/webhooks\.endpoints\.0\.secret: a webhook secret is whsec_/);
    expect(weak).not.toContain('hunter2');
    expect(configError(base({ union: 'other' }))).toMatch(/webhooks\.endpoints\.0\.union: unknown union "other"/);
    expect(configError(base({ events: ['Merged!'] }))).toMatch(/webhooks\.endpoints\.0\.events\.0/);
    const dup = base({});
    dup.webhooks.endpoints.push({ ...dup.webhooks.endpoints[0]! });
    expect(configError(dup)).toMatch(/webhooks\.endpoints\.1\.id: duplicate endpoint id "crm"/);
  });
});
