#!/usr/bin/env node
import { main } from './main.js';
import { quietOnEpipe } from './failures.js';

quietOnEpipe(process.stdout);
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
