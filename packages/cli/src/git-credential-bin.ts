#!/usr/bin/env node
import { main } from './main.js';
import { processContext } from './context.js';

process.exitCode = await main(['git-credential', ...process.argv.slice(2)], processContext());
