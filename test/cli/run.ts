/** Runs the CLI from source in a child process, as a user would (test/cli/run-cli.ts). */
export { ROOT, runCli as drawbridge } from './run-cli.js';
