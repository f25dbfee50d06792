/**
 * The log inputs of detect and learn: files, folders (walked, hidden files skipped, rotated
 * generations oldest first) and `-`. Everything is checked readable before anything is read.
 */
import { basename } from 'node:path';
import { walkFiles } from '../audit/walk.js';
import { inReadingOrder } from '../io/sources/rotation.js';
import { UsageError } from './errors.js';
import { checkNamedInput, checkReadableFile } from './named-inputs.js';
import { pushAll } from '../util/arrays.js';

export function resolveLogInputs(inputs: readonly string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push(input);
      continue;
    }
    if (checkNamedInput(input) === 'file') {
      out.push(input);
      continue;
    }
    const walked = walkFiles(input);
    if (walked.errors.length > 0) throw new UsageError(`${walked.errors[0]!.path}: cannot read: ${walked.errors[0]!.message}`, 'DRB-E-INPUT-READ');
    const files = inReadingOrder(walked.files.filter((f) => !basename(f).startsWith('.')));
    if (files.length === 0) throw new UsageError(`${input}: the folder holds no log files`);
    for (const f of files) checkReadableFile(f);
    pushAll(out, files);
  }
  return out;
}

/** Inputs none of whose records could be read are a usage error (exit 2), after the rest is reported. */
export function unrecognisedInputs(result: { sources: readonly { name: string; unreadable?: string }[] }, formats: readonly string[]): UsageError | undefined {
  const names = result.sources.filter((s) => s.unreadable !== undefined).map((s) => s.name);
  if (names.length === 0) return undefined;
  return new UsageError(`${names.join(', ')}: log format not recognised from the first lines; name it with --input-format (one of ${formats.join(', ')})`);
}
