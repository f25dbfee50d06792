/** The CLI runner of the test suite (test/cli/run-cli.ts), for tests outside test/cli. */
export { ROOT, runCli } from '../cli/run-cli.js';
