#!/usr/bin/env node
import { main } from './main.js';
import { processContext } from './context.js';

void main(process.argv.slice(2), processContext()).then((code) => {
  process.exitCode = code;
});
