/**
 * What a reader sees of a probe finding or a detector alert (title, severity, sub-technique, control,
 * explanation, remediation) as catalogue entries: catalog/findings/probe/*.yaml and catalog/alerts/*.yaml.
 * Code decides that something was found and supplies the values the templates name ({{name}}).
 */
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { DATA_SOURCES, MITIGATIONS, SUB_TECHNIQUES, type Control, type SubTechnique } from '../model/technique.js';
import { duplicateIds, readCatalogueDir, type CatalogueKind } from './loader.js';
import { catalogPath } from './paths.js';

/** A text, or named variants of it that code chooses between (e.g. possible / confirmed). */
const TextSchema = z.union([z.string().min(1), z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.string().min(1))]);

const TextEntrySchema = z
  .object({
    /** The finding's rule id (or, where code adds the product, e.g. probe.http.<signature>.open, the id with the product left out). */
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    /** Template: {{name}} is filled from what code observed. */
    title: TextSchema,
    /** `varies`: code decides (the advisory's or signature's severity, or a table in the detector); `severityNote` says how. */
    severity: z.union([z.enum(SEVERITIES), z.literal('varies')]),
    severityNote: z.string().min(1).optional(),
    subTechnique: z.union([z.enum(Object.keys(SUB_TECHNIQUES) as [SubTechnique, ...SubTechnique[]]), z.literal('varies')]),
    control: z.enum([...Object.keys(MITIGATIONS), ...Object.keys(DATA_SOURCES)] as [Control, ...Control[]]),
    explanation: TextSchema.optional(),
    remediation: TextSchema,
  })
  .strict();
export type TextEntry = z.infer<typeof TextEntrySchema>;

const needsNote = (entries: readonly TextEntry[], list: string) =>
  entries.flatMap((e, i) => (e.severity === 'varies' && !e.severityNote ? [{ path: [list, i, 'severityNote'], message: `${e.id}: severity varies, so say how in severityNote` }] : []));

export const FINDING_TEXTS_KIND: CatalogueKind<{ findings: TextEntry[] }> = {
  id: 'finding-texts',
  description: 'Texts and severity of probe findings, one entry per finding id (catalog/findings/probe/<protocol>.yaml)',
  schema: z.object({ findings: z.array(TextEntrySchema).min(1) }).strict(),
  check: (c) => [...duplicateIds(c.findings, (e) => e.id, 'finding', ['findings']), ...needsNote(c.findings, 'findings')],
};

export const ALERT_TEXTS_KIND: CatalogueKind<{ alerts: TextEntry[] }> = {
  id: 'alert-texts',
  description: 'Texts and severity of detector alerts, one entry per alert rule id (catalog/alerts/<detector>.yaml)',
  schema: z.object({ alerts: z.array(TextEntrySchema).min(1) }).strict(),
  check: (c) => [...duplicateIds(c.alerts, (e) => e.id, 'alert', ['alerts']), ...needsNote(c.alerts, 'alerts')],
};

function indexById(entries: ReadonlyArray<{ file: string; list: readonly TextEntry[] }>): Map<string, TextEntry> {
  const byId = new Map<string, TextEntry>();
  for (const { file, list } of entries) {
    for (const e of list) {
      if (byId.has(e.id)) throw new Error(`${file}: text id ${e.id} is defined in another file too`);
      byId.set(e.id, e);
    }
  }
  return byId;
}

let findings: Map<string, TextEntry> | undefined;
let alerts: Map<string, TextEntry> | undefined;

/** Every probe finding entry, by id. */
export function findingTexts(): Map<string, TextEntry> {
  findings ??= indexById(readCatalogueDir(FINDING_TEXTS_KIND, catalogPath('findings', 'probe')).map((e) => ({ file: e.file, list: e.value.findings })));
  return findings;
}

/** Every detector alert entry, by id. */
export function alertTexts(): Map<string, TextEntry> {
  alerts ??= indexById(readCatalogueDir(ALERT_TEXTS_KIND, catalogPath('alerts')).map((e) => ({ file: e.file, list: e.value.alerts })));
  return alerts;
}

/** Fill {{name}} placeholders; a name the values lack stays visible rather than vanish. */
export function fillTemplate(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (whole, name: string) => (vars[name] === undefined ? whole : String(vars[name])));
}

export interface TextChoice {
  vars?: Readonly<Record<string, string | number>>;
  /** Required when the entry's severity varies; otherwise overrides it (a check that found less). */
  severity?: Severity;
  subTechnique?: SubTechnique;
  /** Which variant of a text with variants: one name for every such field, or one per field. */
  variant?: string | Partial<Record<TextField, string>>;
}

export interface RenderedText {
  rule: string;
  title: string;
  severity: Severity;
  subTechnique: SubTechnique;
  control: Control;
  explanation?: string;
  remediation: string;
}

type TextField = 'title' | 'explanation' | 'remediation';

function pick(text: TextEntry['remediation'], id: string, field: TextField, choice: TextChoice['variant']): string {
  if (typeof text === 'string') return text;
  const variant = typeof choice === 'string' ? choice : choice?.[field];
  const chosen = variant === undefined ? undefined : text[variant];
  if (chosen === undefined) throw new Error(`text ${id}: ${field} has no variant "${variant ?? ''}" (has ${Object.keys(text).join(', ')})`);
  return chosen;
}

function render(table: Map<string, TextEntry>, what: string, id: string, c: TextChoice): RenderedText {
  const e = table.get(id);
  if (!e) throw new Error(`${what} ${id} has no catalogue entry`);
  const vars = c.vars ?? {};
  const severity = c.severity ?? (e.severity === 'varies' ? undefined : e.severity);
  const subTechnique = c.subTechnique ?? (e.subTechnique === 'varies' ? undefined : e.subTechnique);
  if (severity === undefined || subTechnique === undefined) throw new Error(`${what} ${id}: the entry leaves ${severity === undefined ? 'severity' : 'subTechnique'} to code, which gave none`);
  return {
    rule: id,
    title: fillTemplate(pick(e.title, id, 'title', c.variant), vars),
    severity,
    subTechnique,
    control: e.control,
    ...(e.explanation !== undefined ? { explanation: fillTemplate(pick(e.explanation, id, 'explanation', c.variant), vars) } : {}),
    remediation: fillTemplate(pick(e.remediation, id, 'remediation', c.variant), vars),
  };
}

/** A probe finding's texts from catalog/findings/probe/. */
export function findingText(id: string, choice: TextChoice = {}): RenderedText {
  return render(findingTexts(), 'probe finding', id, choice);
}

/** A detector alert's texts from catalog/alerts/. */
export function alertText(id: string, choice: TextChoice = {}): RenderedText {
  return render(alertTexts(), 'alert', id, choice);
}
