#!/usr/bin/env node
import { main } from './main.js';
import { processContext } from './context.js';

void main(['git-credential', ...process.argv.slice(2)], processContext()).then((code) => {
  process.exitCode = code;
});
