import { escapeControl } from '../io/redact.js';

/**
 * One diagnostic line on stderr. Messages quote input (file names, log fields, server banners), so
 * control characters are shown escaped: input must not drive the terminal.
 */
export function warn(message: string): void {
  // A message may be several lines (one per config error); each is escaped on its own.
  process.stderr.write(`drawbridge: ${message.split('\n').map(escapeControl).join('\n')}\n`);
}
