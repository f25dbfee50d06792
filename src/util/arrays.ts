/**
 * Array helpers safe for input-sized arrays. `pushAll(a, b)` and `Math.max(...b)` pass every element as a
 * call argument and throw "Maximum call stack size exceeded" somewhere past 100k elements, which one
 * large security-group file or log chunk reaches; these loop instead (lint forbids the spread forms).
 */

export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

export function maxOf(values: Iterable<number>, start = -Infinity): number {
  let max = start;
  for (const v of values) if (v > max) max = v;
  return max;
}
