/**
 * What a run says about its webhooks on standard error: each failure as it happens, and one summary
 * per endpoint at the end. Deliveries that succeed are only counted. Endpoints are named by origin:
 * the path of a Slack-style URL is its secret.
 */
import type { WebhookEvent, WebhookStats } from './webhook.js';

export function endpointName(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'webhook';
  }
}

/** The line for a failure, or undefined for what is only counted (deliveries, single retries). */
export function webhookEventLine(url: string, e: WebhookEvent): string | undefined {
  const name = endpointName(url);
  switch (e.kind) {
    case 'down':
      return `webhook ${name}: down (${e.reason}); alerts are spooled and sent when it answers again`;
    case 'rejected':
      return `webhook ${name}: refused alert ${e.id} (${e.reason}); kept beside the spool`;
    case 'spool-corrupt':
      return `webhook ${name}: spool line skipped: ${JSON.stringify(e.reject)}`;
    default:
      return undefined;
  }
}

export function webhookSummary(url: string, stats: WebhookStats, pending: number): string {
  const parts = [`${stats.delivered} delivered`];
  if (stats.retries > 0) parts.push(`${stats.retries} retries`);
  if (stats.rejected > 0) parts.push(`${stats.rejected} refused`);
  if (pending > 0) parts.push(`${pending} spooled for the next run`);
  if (stats.replayed > 0) parts.push(`${stats.replayed} replayed from the spool`);
  return `webhook ${endpointName(url)}: ${parts.join(', ')}`;
}
