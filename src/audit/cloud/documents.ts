/**
 * JSON and YAML documents with line numbers per path, CloudFormation short tags (!Ref, !Sub …)
 * understood as their long form ({ Ref: … }, { "Fn::Sub": … }) so that templates parse and refer.
 */
import { LineCounter, parseAllDocuments, type Tags } from 'yaml';
import type { InputProblem } from '../types.js';
import { offsetOf, syntaxProblem } from '../yaml-positions.js';

export type Path = readonly (string | number)[];

export interface Doc {
  value: unknown;
  /** 1-based line of the key or item at `path`, or of its deepest existing ancestor. */
  lineOf(path: Path): number;
}

const INTRINSICS = [
  'Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'Split', 'If', 'Equals', 'And', 'Or', 'Not', 'FindInMap',
  'ImportValue', 'Base64', 'Cidr', 'GetAZs', 'Condition', 'Transform', 'Length', 'ToJsonString',
];

function longName(short: string): string {
  return short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
}

/** CloudFormation's short-form tags as yaml custom tags, for scalar, sequence and mapping forms. */
export const CFN_TAGS: Tags = INTRINSICS.flatMap((name) => {
  const key = longName(name);
  return [
    {
      tag: `!${name}`,
      resolve: (s: string) => ({ [key]: name === 'GetAtt' ? s.split('.') : s }),
    },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (v: { toJSON(): unknown }) => ({ [key]: v.toJSON() }) },
    { tag: `!${name}`, collection: 'map' as const, resolve: (v: { toJSON(): unknown }) => ({ [key]: v.toJSON() }) },
  ];
});

const MAX_ALIAS_COUNT = 100;

export function parseDocuments(file: string, text: string, customTags?: Tags): { docs: Doc[]; problems: InputProblem[] } {
  const lineCounter = new LineCounter();
  const problems: InputProblem[] = [];
  const docs: Doc[] = [];
  const lineAt = (offset: number): number => lineCounter.linePos(Math.max(0, offset)).line;
  let parsed;
  try {
    parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false, ...(customTags ? { customTags } : {}) });
  } catch (err) {
    problems.push({ file, line: 1, message: `unreadable JSON/YAML: ${errorText(err)}` });
    return { docs, problems };
  }
  const list = Array.isArray(parsed) ? parsed : [];
  list.forEach((doc, i) => {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    if (doc.errors.length > 0) {
      problems.push(syntaxProblem(file, text, 'YAML', i, doc.errors, lineAt));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      problems.push({ file, line: lineAt(start), message: `document ${i + 1} skipped: ${errorText(err)}` });
      return;
    }
    const root = doc.contents;
    docs.push({ value: value ?? null, lineOf: (path) => lineAt(offsetOf(root, path) ?? start) });
  });
  return { docs, problems };
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
}

export type Obj = Record<string, unknown>;

/** Short names the cloud readers use. */
export { asArray as arr, asNumber as num, asText as str, isObject as isObj } from '../../util/values.js';
