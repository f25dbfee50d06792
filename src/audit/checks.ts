/**
 * The audit-rule contract in code. Every rule folder catalog/audit/<kind>/<rule-id>/ has exactly one
 * check, registered under its id in the check set of its kind. A check is a pure function from what
 * the kind's auditor parsed to hits; the auditor runs every check of its set, so a new rule is a
 * folder plus one registry entry, and no auditor changes.
 */
import type { z } from 'zod';
import { ruleParams, type RuleHit } from './rule-catalog.js';

/** A hit as a check returns it: the registry, not the check, says which rule it belongs to. */
export type CheckHit = Omit<RuleHit, 'rule'>;

/** The rule a check runs for: checks read their params through it, and shared checks tell rules apart. */
export interface RuleRef {
  kind: string;
  id: string;
}

export type Check<I, H = CheckHit> = (input: I, rule: RuleRef) => H[];

export interface CheckSet<I, H = CheckHit> {
  /** The catalogue folder: catalog/audit/<kind>/. */
  kind: string;
  checks: Readonly<Record<string, Check<I, H>>>;
}

export function defineChecks<I, H = CheckHit>(kind: string, checks: Record<string, Check<I, H>>): CheckSet<I, H> {
  return { kind, checks };
}

/** Every check of the set over one input, each hit stamped with its rule id. */
export function runChecks<I, H>(set: CheckSet<I, H>, input: I): (H & { rule: string })[] {
  return Object.entries(set.checks).flatMap(([id, check]) => check(input, { kind: set.kind, id }).map((h) => ({ ...h, rule: id })));
}

/** A rule's params, validated with the check's own schema. */
export function paramsOf<T>(rule: RuleRef, schema: z.ZodType<T>): T {
  return ruleParams(rule.kind, rule.id, schema);
}
