/**
 * Errors a user can cause and fix, each with a stable code. The CLI prints the code with the message
 * and exits 2; README.md ("Error codes") explains every code, and a test keeps the two in step.
 */
export const ERROR_CODES = {
  'DRB-E-USAGE': 'A command line the command cannot run: a missing argument, a bad flag value or combination.',
  'DRB-E-CONFIG': 'drawbridge.yaml cannot be read or is not valid YAML.',
  'DRB-E-CONFIG-KEY': 'A key in drawbridge.yaml is unknown or has an invalid value (the message names file, line and key).',
  'DRB-E-FORMAT': 'An unknown output or input format was asked for.',
  'DRB-E-INPUT-MISSING': 'A file or folder named on the command line (or in the config) does not exist.',
  'DRB-E-INPUT-READ': 'An input exists but cannot be read or parsed.',
  'DRB-E-INPUT-UNRECOGNISED': 'An input is no config kind (audit) or log format (detect) Drawbridge knows.',
  'DRB-E-OUTPUT': 'An output file or folder cannot be written, or exists and --force was not given.',
  'DRB-E-STATE-IN-USE': 'Another drawbridge process holds the state folder (the message names the folder and its pid).',
  'DRB-E-LISTEN': 'A receiver cannot listen where it was asked to (address in use, not loopback without permission).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Bad usage or unusable input: the CLI prints the code and message and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly code: ErrorCode = 'DRB-E-USAGE',
  ) {
    super(message);
  }
}

/** The line the CLI prints for an error: `error DRB-E-…: message`. */
export function formatUsageError(e: UsageError): string {
  return `error ${e.code}: ${e.message}`;
}
