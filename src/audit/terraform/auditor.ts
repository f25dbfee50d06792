/**
 * Terraform configuration (.tf). The module's other .tf files supply variable defaults and
 * locals; terraform.tfvars and *.auto.tfvars override defaults as Terraform itself does.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { STDIN_NAME, type Auditor, type AuditContext, type AuditResult, type InputProblem } from '../types.js';
import { policyFor } from '../cloud/report.js';
import { hclReady, loadHcl, parseHcl, type HclBody, type HclParse } from './hcl.js';
import { outline } from './outline.js';
import { moduleScope, resourcesOfBody, type ResourceNote, type TfResource } from './resources.js';
import { analyseResources } from './analyse.js';
import { recognition, type Recogniser } from '../recognise.js';

// Auditors are synchronous; the WebAssembly HCL parser loads once when this module is imported.

interface Sibling {
  file: string;
  text: string;
}

function safeGlob(ctx: AuditContext, pattern: string): string[] {
  try {
    return ctx.glob(pattern);
  } catch {
    return [];
  }
}

function safeRead(ctx: AuditContext, file: string): string | undefined {
  try {
    return ctx.readFile(file);
  } catch {
    return undefined;
  }
}

/** The module's other .tf files and auto-loaded variable files, read through the context. */
function moduleFiles(file: string, ctx: AuditContext): { tf: Sibling[]; tfvars: Sibling[] } {
  // Standard input has no folder: the current one is not its module.
  if (file === STDIN_NAME) return { tf: [], tfvars: [] };
  const dir = dirname(file);
  const self = basename(file);
  const tf: Sibling[] = [];
  for (const f of safeGlob(ctx, join(dir, '*.tf')).sort()) {
    if (basename(f) === self) continue;
    const text = safeRead(ctx, f);
    if (text !== undefined) tf.push({ file: f, text });
  }
  const varFiles = [join(dir, 'terraform.tfvars'), join(dir, 'terraform.tfvars.json'), ...safeGlob(ctx, join(dir, '*.auto.tfvars')).sort(), ...safeGlob(ctx, join(dir, '*.auto.tfvars.json')).sort()];
  const tfvars: Sibling[] = [];
  for (const f of [...new Set(varFiles)]) {
    const text = safeRead(ctx, f);
    if (text !== undefined) tfvars.push({ file: f, text });
  }
  return { tf, tfvars };
}

/**
 * Parses are cached by file name and content, shared by the audited file and its siblings: each file
 * of a module is otherwise parsed once as itself and again for every other file of the module.
 * Parsed bodies are only read, never changed, so sharing them is safe.
 */
const parseCache = new Map<string, HclParse>();
const CACHE_MAX = 512;

/** `json`: variable files named *.json are JSON; everything else goes through the HCL parser. */
function parseCached(file: string, text: string, json = false): HclParse {
  const key = createHash('sha1').update(json ? 'json' : 'hcl').update('\0').update(file).update('\0').update(text).digest('hex');
  const hit = parseCache.get(key);
  if (hit) return hit;
  const parsed = json ? parseJsonBody(text) : parseHcl(file, text);
  if (parsed.ok || hclReady()) {
    // A failure because the parser is not loaded yet must not stick.
    if (parseCache.size >= CACHE_MAX) parseCache.delete(parseCache.keys().next().value as string);
    parseCache.set(key, parsed);
  }
  return parsed;
}

function parseJsonBody(text: string): HclParse {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? { ok: true, body: v as HclBody } : { ok: false, message: 'not a JSON object' };
  } catch (e) {
    return { ok: false, message: String(e) };
  }
}

function bodyOf(s: Sibling): HclBody | undefined {
  const parsed = parseCached(s.file, s.text, s.file.endsWith('.json'));
  return parsed.ok ? parsed.body : undefined;
}

/** Pure core: one .tf text plus its module's other bodies → resources and notes. */
export function terraformResources(file: string, text: string, others: { bodies: HclBody[]; tfvars: HclBody[] }): { resources: TfResource[]; problems: InputProblem[] } {
  const parsed = parseCached(file, text);
  if (!parsed.ok) {
    return { resources: [], problems: [{ file, ...(parsed.line ? { line: parsed.line } : {}), message: `not valid HCL, file not audited: ${parsed.message.replace(/^parse config: /, '')}` }] };
  }
  const scope = moduleScope({ bodies: [parsed.body, ...others.bodies], tfvars: others.tfvars });
  const notes: ResourceNote[] = [];
  const resources = resourcesOfBody(parsed.body, outline(text), scope, notes);
  return { resources, problems: notes.map((n) => ({ file, line: n.line, field: n.address, message: n.message })) };
}

/** Terraform HCL: a .tf name is enough; otherwise top-level resource, provider or terraform blocks. */
export const TERRAFORM_RECOGNISER: Recogniser = {
  names: [/\.tf$/i],
  nameAlone: 1,
  signals: [
    {
      what: 'HCL resource, data, provider or terraform blocks',
      confidence: 0.85,
      test: (head) => /^(?:resource|data)\s+"?[\w-]+"?\s+"?[\w-]+"?\s*\{/m.test(head) || /^(?:provider\s+"[\w-]+"|terraform)\s*\{/m.test(head),
    },
  ],
};

export const terraformAuditor: Auditor = {
  id: 'terraform',
  // The HCL parser is WebAssembly: load it only when a .tf file is actually audited.
  prepare: loadHcl,
  description: 'Terraform (.tf): security groups, NACLs, GCP firewalls, Azure NSGs and managed Kubernetes endpoints open to the internet',
  recognise: (text, name) => recognition(TERRAFORM_RECOGNISER, text, name),
  audit(file: string, text: string, ctx: AuditContext): AuditResult {
    const siblings = moduleFiles(file, ctx);
    const bodies = siblings.tf.map(bodyOf).filter((b): b is HclBody => b !== undefined);
    const tfvars = siblings.tfvars.map(bodyOf).filter((b): b is HclBody => b !== undefined);
    const { resources, problems } = terraformResources(file, text, { bodies, tfvars });
    const r = analyseResources(file, resources, policyFor(ctx));
    return { findings: r.findings, problems: [...problems, ...r.problems] };
  },
};
