import type { Finding } from '../model/finding.js';
import type { DrawbridgeConfig } from '../config/schema.js';

/** A record or line that could not be used, kept so that nothing vanishes silently. */
export interface InputProblem {
  file: string;
  line?: number;
  field?: string;
  message: string;
}

/** I/O an auditor may need (Include files, globs), injected so auditors stay testable. */
export interface AuditContext {
  config: DrawbridgeConfig;
  readFile(path: string): string | undefined;
  glob(pattern: string): string[];
  /** Why a path or glob pattern was (or would be) refused: outside the audited folders, a pseudo-file, too large. */
  refusal?(pathOrPattern: string): string | undefined;
}

/** The name standard input is audited under. */
export const STDIN_NAME = '<stdin>';

export interface AuditResult {
  findings: Finding[];
  problems: InputProblem[];
  /** Other files this audit read as part of the same config (e.g. sshd Include targets); the engine does not audit them again. */
  consumed?: string[];
}

/** One config kind (sshd_config, daemon.json, Terraform …): recognise it, then audit it. */
export interface Auditor {
  id: string;
  description: string;
  /**
   * How sure this auditor is that the text is its kind (0 = not at all, 1 = certain), from the content
   * first and the name as a hint; cheap, and never throws. The engine picks the most confident auditor.
   */
  recognise(text: string, name: string): number;
  audit(file: string, text: string, ctx: AuditContext): AuditResult;
  /** One-time asynchronous set-up (e.g. loading a WebAssembly parser), awaited by the engine before the first audit. */
  prepare?(): Promise<void>;
}
