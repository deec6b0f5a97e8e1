#!/usr/bin/env node
/**
 * The `yizhan` executable. It runs the bundle of dist/bundle/ with a code cache when there is one
 * (cli/load-bundle.ts: one file instead of hundreds of modules), else the modules themselves.
 */
import { saveCodeCache } from '../scenarios/code-cache.js';
import { loadBundle } from './load-bundle.js';

// the budget of `yizhan plan` counts from the process's start (module loading included)
const started = Math.round(performance.timeOrigin);
const argv = process.argv.slice(2);
// each command compiles its own part of the bundle: one code cache per command
const COMMANDS = ['plan', 'evaluate', 'batch', 'documents', 'validate', 'serve', 'token'];
const command = COMMANDS.includes(argv[0] ?? '') ? argv[0]! : 'other';
// plan and evaluate run from a bundle without the other commands' code (tools/build-bundle.mjs)
const bundle = command === 'plan' || command === 'evaluate' ? 'cli-plan' : 'cli';
const { main } = loadBundle<typeof import('./main.js')>(bundle, `cli-${command}`) ?? await import('./main.js');
void main(argv, started).then((code) => {
  process.exitCode = code;
  saveCodeCache();
});
