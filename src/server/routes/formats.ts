import { DECODERS } from '../../detect/decoders/index.js';

let formats: Set<string> | undefined;

/** Format ids accepted by `/v1/ingest/{format}`: the decoders' ids, as `--input-format` takes them. */
export function ingestFormatsSet(): Set<string> {
  return (formats ??= new Set(DECODERS.map((d) => d.id)));
}
