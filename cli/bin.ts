#!/usr/bin/env node
import { main } from './main.js';

// the budget of `yizhan plan` counts from the process's start (module loading included)
void main(process.argv.slice(2), Math.round(performance.timeOrigin)).then((code) => {
  process.exitCode = code;
});
