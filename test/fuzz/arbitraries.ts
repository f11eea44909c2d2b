/**
 * The generators every route's fuzzing shares: hostile strings (unicode, lone surrogates, huge, injection-looking),
 * wrong JSON types, bad base64 and wrong lengths, malformed JSON, odd content types, hostile path segments and
 * query strings, random XML.
 */
import fc from 'fast-check';

/** A string of one repeated unit, 1,000–80,000 long: over every field bound, some over the 64 KiB body limit. */
export const hugeString = fc
  .tuple(fc.constantFrom('A', 'x', '%', 'é', '😀', '\u0000', '=', '<', '\\', '"'), fc.integer({ min: 1_000, max: 80_000 }))
  .map(([c, n]) => c.repeat(Math.ceil(n / c.length)));

const nasty = fc.constantFrom(
  '',
  ' ',
  'null',
  'undefined',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '{}',
  '[]',
  '<xml/>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '\r\n\r\n',
  '\u202e',
  '\ufeff',
  '𠜎𠜱',
  '\ud800',
  '0',
  '-1',
  '1e309',
);

/** Any string a hostile client could send. */
export const fuzzString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: nasty },
  { weight: 1, arbitrary: hugeString },
);

/** A JSON value of the wrong type for a string field. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b));

/** Base64 that is wrong in every way but the obvious: wrong lengths, url-safe alphabet, lost padding, stray chars. */
export const badBase64: fc.Arbitrary<string> = fc.oneof(
  bytes(0, 80).map((b) => b.toString('base64')),
  bytes(1, 80).map((b) => b.toString('base64url')),
  bytes(1, 80).map((b) => b.toString('base64').replace(/=+$/, '')),
  fc.tuple(bytes(1, 64), fc.nat(), fc.constantFrom(' ', '\n', '=', '*', '%', 'é', '-', '_', '==')).map(([b, at, c]) => {
    const s = b.toString('base64');
    const i = at % (s.length + 1);
    return s.slice(0, i) + c + s.slice(i);
  }),
  fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/),
);

/** A 16-byte iv in base64 (the right shape), or a bad one. */
export const ivLike = fc.oneof(
  bytes(16, 16).map((b) => b.toString('base64')),
  badBase64,
);

/** `arb` one time in `oneIn`, else null (fc.option's `freq` is the other way round: one null in `freq`). */
export function rarely<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

/** A value for a field: mostly plausible (`good`), else hostile or of the wrong type. */
export function field<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fuzzString }, { weight: 1, arbitrary: wrongType });
}

/**
 * An object with any subset of the known fields: all plausible (so requests get past validation and reach the
 * route's logic), one hostile field among plausible ones, or every field possibly hostile; sometimes an unknown key.
 */
export function jsonObject(fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(fields);
  const clean = fc.record(fields, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
  const mixed = fc.record(Object.fromEntries(names.map((k) => [k, field(fields[k]!)])), { requiredKeys: [] });
  const oneBad = fc.tuple(clean, fc.constantFrom(...names), fc.oneof(fuzzString, wrongType)).map(([o, k, v]) => ({ ...o, [k]: v }));
  const extra = rarely(fc.dictionary(fuzzString, fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 2 }), 8);
  return fc
    .tuple(fc.oneof({ weight: 3, arbitrary: clean }, { weight: 2, arbitrary: oneBad }, { weight: 2, arbitrary: mixed }), extra)
    .map(([known, more]) => ({ ...(more ?? {}), ...known }));
}

const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"code":',
    '[',
    'nul',
    '{"a":1,}',
    "{'code':'x'}",
    '\ufeff{}',
    '{"code":"x"}{"code":"y"}',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '"\\ud800"',
    '{"code":"\\u0000"}',
    '1e999999',
    '{"code":"x"',
    '  ',
    '\u0000',
  ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** A request body for a JSON route: a plausible object, a JSON value of another type, truncated or malformed text. */
export function jsonBody(
  fields: Record<string, fc.Arbitrary<unknown>>,
  extra?: fc.Arbitrary<Record<string, unknown>> | null,
  required: string[] = [],
): fc.Arbitrary<string> {
  const objects = extra ? fc.oneof(jsonObject(fields, required), extra) : jsonObject(fields, required);
  return fc.oneof(
    { weight: 8, arbitrary: objects.map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc.tuple(objects, fc.nat()).map(([o, n]) => {
        const s = JSON.stringify(o);
        return s.slice(0, n % (s.length + 1));
      }),
    },
    { weight: 1, arbitrary: malformedJson },
  );
}

/** The content-type of a JSON route's request: mostly right, sometimes wrong or absent. */
export const jsonContentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/JSON',
      'application/json; charset=latin1',
      'application/vnd.api+json',
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/xml',
      '*/*',
      ';',
      'application/json;;',
    ),
  },
);

/** encodeURIComponent that also takes lone surrogates (sent as the invalid UTF-8 `%ED%A0%80`: hostile too). */
export function encodeLoose(s: string): string {
  return s.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (c) => (c.length === 1 && c >= '\ud800' && c <= '\udfff' ? '%ED%A0%80' : encodeURIComponent(c)));
}

/** A path segment: a real value (weighted) or a hostile one, percent-encoded. */
export function segment(real: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: fuzzString.filter((s) => s.length < 2000) }).map(encodeLoose);
}

/** A query string from named parameters (each present — always when `required` —, absent, hostile or repeated) plus stray ones. */
export function queryString(params: Record<string, fc.Arbitrary<string>>, required: string[] = []): fc.Arbitrary<string> {
  const value = (a: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 6, arbitrary: a.map((v) => [v]) },
      { weight: 1, arbitrary: fuzzString.filter((s) => s.length < 3000).map((v) => [v]) },
      { weight: 1, arbitrary: fc.array(a, { minLength: 2, maxLength: 3 }) },
    );
  const model = Object.fromEntries(Object.entries(params).map(([k, a]) => [k, value(a)]));
  return fc
    .tuple(
      fc.record(model, { requiredKeys: required }),
      rarely(fc.array(fc.tuple(fuzzString, fuzzString), { minLength: 1, maxLength: 2 }), 8),
      rarely(fc.constantFrom('&&', '=&=', '%', '%zz', '&a[b]=1', '&a=%E0%A4%A'), 8),
    )
    .map(([known, stray, raw]) => {
      const sp = new URLSearchParams();
      for (const [k, vs] of Object.entries(known)) for (const v of vs as string[]) sp.append(k, v);
      for (const [k, v] of stray ?? []) sp.append(k.slice(0, 200), v.slice(0, 200));
      return sp.toString() + (raw ?? '');
    });
}

/** Random XML: well-formed trees of random names and text, CDATA, entities, attributes, and broken markup. */
export const randomXml: fc.Arbitrary<string> = (() => {
  const name = fc.oneof(
    fc.constantFrom('xml', 'ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Event', 'EventKey', 'Content', 'MsgId', 'Encrypt', 'Ticket'),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/),
  );
  const text = fc.oneof(
    fc.string({ maxLength: 30 }).map((s) => s.replace(/[<&]/g, '')),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => `<![CDATA[${s.replace(/]]>/g, '')}]]>`),
    fc.constantFrom(
      '&amp;',
      '&lt;',
      '&#x41;',
      '&#0;',
      '&unknown;',
      '&#xFFFFFFFF;',
      ']]>',
      '<![CDATA[',
      '<!DOCTYPE x [<!ENTITY e "e">]>',
      '<!-- c -->',
      '<?pi x?>',
    ),
  );
  const { node } = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text,
      fc
        .tuple(name, fc.array(tie('node'), { maxLength: 4 }), rarely(fc.constantFrom(' a="1"', " b='x'", ' c', ' xmlns="u"'), 4))
        .map(([n, kids, attr]) => `<${n}${attr ?? ''}>${kids.join('')}</${n}>`),
    ),
  }));
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(node, { maxLength: 6 }).map((kids) => `<xml>${kids.join('')}</xml>`) },
    { weight: 1, arbitrary: node },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '<xml>',
        '<xml></xm>',
        '</xml>',
        '<xml><a></b></xml>',
        '<?xml version="1.0"?>',
        '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><xml/>',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 17, max: 200 }), fc.constantFrom('a', 'b'))
        .map(([d, n]) => `<xml>${`<${n}>`.repeat(d)}x${`</${n}>`.repeat(d)}</xml>`),
    },
    { weight: 1, arbitrary: fuzzString },
  );
})();
