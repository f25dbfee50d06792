/**
 * Registry of log formats. Adding a format = one module exporting a Decoder + one line here;
 * the engine sniffs every registered decoder and `--format <id>` picks one by id.
 */
import type { Decoder } from '../types.js';
import { sshdDecoder } from './sshd.js';
import { awsVpcFlowDecoder } from './aws-vpc-flow.js';
import { gcpVpcFlowDecoder } from './gcp-vpc-flow.js';
import { azureFlowDecoder } from './azure-flow.js';
import { zeekDecoder } from './zeek.js';
import { k8sAuditDecoder } from './k8s-audit.js';
import { dockerEventsDecoder } from './docker-events.js';
import { nginxAccessDecoder } from './nginx-access.js';
import { awsAlbDecoder } from './aws-alb.js';

export const DECODERS: readonly Decoder[] = [
  sshdDecoder,
  awsVpcFlowDecoder,
  gcpVpcFlowDecoder,
  azureFlowDecoder,
  zeekDecoder,
  k8sAuditDecoder,
  dockerEventsDecoder,
  nginxAccessDecoder,
  awsAlbDecoder,
];

export function decoderById(id: string, decoders: readonly Decoder[] = DECODERS): Decoder | undefined {
  return decoders.find((d) => d.id === id);
}

/** The best-fitting decoder for the first lines of a stream, or undefined when none fits. */
export function sniffFormat(sample: readonly string[], decoders: readonly Decoder[] = DECODERS): { decoder: Decoder; score: number } | undefined {
  let best: { decoder: Decoder; score: number } | undefined;
  for (const decoder of decoders) {
    let score: number;
    try {
      score = decoder.sniff(sample);
    } catch {
      score = 0;
    }
    if (score > 0 && (!best || score > best.score)) best = { decoder, score };
  }
  return best;
}
