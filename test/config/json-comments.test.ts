/** Comments in weunion.config.json: stripped outside strings only, line numbers kept. */
import { describe, expect, it } from 'vitest';
import { stripJsonComments } from '../../src/config/json-comments.js';

describe('stripJsonComments', () => {
  it('drops // and /* */ comments but keeps // and /* inside strings, and keeps the lines', () => {
    const text = '{\n  // a comment\n  "url": "https://x.example/a//b", /* block\n over lines */ "s": "/* not */ \\" // still"\n}';
    const stripped = stripJsonComments(text);
    expect(JSON.parse(stripped)).toEqual({ url: 'https://x.example/a//b', s: '/* not */ " // still' });
    expect(stripped.split('\n')).toHaveLength(text.split('\n').length);
  });
});
