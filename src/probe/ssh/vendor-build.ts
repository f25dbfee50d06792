import { offersStrictKex, sshAlgorithms } from '../../catalog/ssh-algorithms.js';
import type { AdvisoryMatch } from '../../intel/advisories.js';
import { severityRank, type Severity } from '../../model/severity.js';

/** The most an advisory judged only by the upstream version of a vendor build may weigh. */
const VENDOR_BUILD_CEILING: Severity = 'medium';

function releaseOf(version: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * A banner that names plain upstream OpenSSH (no vendor suffix: Debian's `DebianBanner no`, or a
 * vendor that strips it) older than the first release with strict key exchange, while the server
 * offers strict key exchange, comes from a vendor build with backported fixes: its upstream version
 * does not say which flaws are fixed. Returns the reason, in words, or undefined.
 */
export function hiddenVendorBuild(product: string, version: string | undefined, comments: string | undefined, kex: readonly string[]): string | undefined {
  if (product !== 'OpenSSH' || version === undefined || (comments ?? '').trim() !== '') return undefined;
  if (!offersStrictKex(kex)) return undefined;
  const { strictKexServer, strictKexSince } = sshAlgorithms().terrapin;
  const seen = releaseOf(version);
  const since = releaseOf(strictKexSince);
  if (!seen || !since || seen[0] > since[0] || (seen[0] === since[0] && seen[1] >= since[1])) return undefined;
  return `the banner names upstream OpenSSH ${version} with no vendor suffix, yet the server offers strict key exchange (${strictKexServer}), which upstream OpenSSH added in ${strictKexSince}: a vendor build with backported fixes, so its version alone does not show whether this flaw is fixed`;
}

/** An advisory matched on a vendor build's upstream version: possible, and at most medium. */
export function asVendorBuildMatch(m: AdvisoryMatch): AdvisoryMatch {
  const severity = severityRank(m.severity) > severityRank(VENDOR_BUILD_CEILING) ? VENDOR_BUILD_CEILING : m.severity;
  return { ...m, severity, confidence: 'possible' };
}
