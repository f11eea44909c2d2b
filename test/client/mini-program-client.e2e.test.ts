/** The mini program suite (mini-program-suite.ts) over the `wx` global itself. */
import { FRAMEWORKS } from './frameworks.js';
import { miniProgramClientSuite } from './mini-program-suite.js';

miniProgramClientSuite(FRAMEWORKS.wx);
