#!/usr/bin/env node
// The installed CLI runs the compiled build with plain node (`npm pack` compiles it first: the prepack script).
import '../dist/src/cli/main.js';
