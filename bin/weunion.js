#!/usr/bin/env node
// The installed CLI runs the compiled build (npm's `prepare` compiles it).
import '../dist/src/cli/main.js';
