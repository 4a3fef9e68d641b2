#!/usr/bin/env node
// The `devicelogin` bin: the bundle, started with V8's code cache (compile-cache.ts).
import { join } from 'node:path';
import { launch } from './compile-cache.js';

launch(join(import.meta.dirname, 'devicelogin-main.cjs'));
