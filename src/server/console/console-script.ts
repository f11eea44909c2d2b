/**
 * The admin console's script (`GET /admin/console.js`): plain browser JavaScript, no build step and no dependency,
 * kept as text in TypeScript modules so it ships inside `dist/` like the rest of the server (nothing to copy into
 * the npm package). Assembled once from its parts — base, dashboard, graph, user view, actions — inside one
 * function scope, with the words of both languages (console-strings.ts) as data. The parts are template strings,
 * so their JavaScript has no backtick, no `${` and no backslash (the base, with its regex, is a String.raw).
 */
import { CONSOLE_SCRIPT_ACTIONS } from './console-script-actions.js';
import { CONSOLE_SCRIPT_CORE } from './console-script-core.js';
import { CONSOLE_SCRIPT_DASHBOARD } from './console-script-dashboard.js';
import { CONSOLE_SCRIPT_GRAPH } from './console-script-graph.js';
import { CONSOLE_SCRIPT_USER } from './console-script-user.js';
import { CONSOLE_STRINGS } from './console-strings.js';

export const CONSOLE_SCRIPT = [
  '// weunion admin console (served by weunion at /admin; docs/admin.md "Console").',
  '(() => {',
  "'use strict';",
  `const STRINGS = ${JSON.stringify(CONSOLE_STRINGS)};`,
  CONSOLE_SCRIPT_CORE,
  CONSOLE_SCRIPT_DASHBOARD,
  CONSOLE_SCRIPT_GRAPH,
  CONSOLE_SCRIPT_USER,
  CONSOLE_SCRIPT_ACTIONS,
  '})();',
  '',
].join('\n');
