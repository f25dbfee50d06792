/**
 * A Kubernetes audit line as the API server's own log backend writes it, read without JSON.parse.
 *
 * Go's encoder writes an Event's fields in the order of the struct (kind, apiVersion, level, auditID,
 * stage, requestURI, verb, user, sourceIPs, userAgent, objectRef, responseStatus, timestamps,
 * annotations), so one anchored regular expression — which V8 compiles to native code — can check the
 * whole line is valid JSON of that shape and capture the few values `eventToApi` reads, without building
 * the rest (annotations, groups and status objects are checked, not allocated). Parsing every line cost
 * most of the decoding time.
 *
 * It answers only for lines whose decoding it can reproduce exactly; anything else — another key order
 * (pipelines that sort keys), a request or response body, an impersonated user, an escape inside a value
 * it hands on as it stands, an unexpected member — is left to JSON.parse. The answer is a plain object
 * holding exactly the members `eventToApi` and the decoder read, with the values JSON.parse gives them.
 */
import type { JsonObject } from './util/json.js';

/** JSON whitespace; before the object only spaces and tabs, after it CR too (what the line reader allows). */
const WS = String.raw`[ \t\n\r]*`;
const LEAD = String.raw`[ \t]*`;
const TRAIL = String.raw`[ \t\r]*`;
/** A character a JSON string holds as it is (not a quote, a backslash or a control character). */
const CH = String.raw`[^"\\\x00-\x1f]`;
const ESC = String.raw`\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})`;
/** Any JSON string (checked, not captured). */
const STR = `"${CH}*(?:${ESC}${CH}*)*"`;
/** A string without escapes, captured. */
const PLAIN = `"(${CH}*)"`;
/** Any string, its raw text captured (escapes still in it). */
const TEXT = `"(${CH}*(?:${ESC}${CH}*)*)"`;
const NUM = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;
const SCALAR = `(?:${STR}|${NUM}|true|false|null)`;

const list = (item: string): string => String.raw`\[${WS}(?:${item}${WS}(?:,${WS}${item}${WS})*)?\]`;
const object = (value: string): string => String.raw`\{${WS}(?:${STR}${WS}:${WS}${value}${WS}(?:,${WS}${STR}${WS}:${WS}${value}${WS})*)?\}`;
/** Nested values up to two levels deep (status metadata and details). */
const V1 = `(?:${SCALAR}|${list(SCALAR)}|${object(SCALAR)})`;
const V2 = `(?:${SCALAR}|${list(V1)}|${object(V1)})`;

/** The first member of an object, a following one, an optional following one. */
const first = (key: string, value: string): string => `"${key}"${WS}:${WS}${value}${WS}`;
const then = (key: string, value: string): string => `,${WS}${first(key, value)}`;
const maybe = (key: string, value: string): string => `(?:${then(key, value)})?`;
/** An optional leading member, followed by the next one. */
const leading = (key: string, value: string): string => `(?:${first(key, value)},${WS})?`;
/** The items of a list of strings, captured as raw text between the brackets. */
const STRINGS = String.raw`\[(${WS}(?:${STR}${WS}(?:,${WS}${STR}${WS})*)?)\]`;

const USER = String.raw`\{${WS}${first('username', PLAIN)}${maybe('uid', STR)}${maybe('groups', STRINGS)}${maybe('extra', `(${object(list(STR))})`)}\}`;
const OBJECT_REF = String.raw`\{${WS}${first('resource', PLAIN)}${maybe('namespace', PLAIN)}${maybe('name', PLAIN)}${maybe('uid', STR)}${maybe('apiGroup', STR)}${maybe('apiVersion', STR)}${maybe('resourceVersion', STR)}${maybe('subresource', PLAIN)}\}`;
const STATUS =
  String.raw`\{${WS}` +
  leading('kind', STR) +
  leading('apiVersion', STR) +
  leading('metadata', object(V1)) +
  leading('status', STR) +
  leading('message', STR) +
  leading('reason', STR) +
  leading('details', object(V2)) +
  first('code', `(${NUM})`) +
  String.raw`\}`;

const LINE = new RegExp(
  `^${LEAD}\\{${WS}` +
    first('kind', '"Event"') +
    then('apiVersion', STR) +
    then('level', STR) +
    then('auditID', PLAIN) +
    then('stage', PLAIN) +
    then('requestURI', TEXT) +
    then('verb', PLAIN) +
    then('user', USER) +
    maybe('sourceIPs', STRINGS) +
    maybe('userAgent', TEXT) +
    maybe('objectRef', OBJECT_REF) +
    maybe('responseStatus', STATUS) +
    then('requestReceivedTimestamp', PLAIN) +
    then('stageTimestamp', PLAIN) +
    maybe('annotations', object(STR)) +
    `\\}${TRAIL}$`,
);

export interface LeanAuditLine {
  stage: string;
  auditID: string;
  /** The Event members the decoder reads, as JSON.parse would give them. */
  event: JsonObject;
}

/** Raw string text → its value (only texts the expression accepted, so the escapes are valid). */
function unescape(raw: string): string {
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/** The items between a string list's brackets. */
function items(raw: string): string[] {
  if (raw.includes('\\')) return JSON.parse(`[${raw}]`) as string[];
  // No escapes: every quote is a delimiter, opening and closing in turn.
  const out: string[] = [];
  for (let open = raw.indexOf('"'); open >= 0; ) {
    const close = raw.indexOf('"', open + 1);
    out.push(raw.slice(open + 1, close));
    open = raw.indexOf('"', close + 1);
  }
  return out;
}

/** The line read in the API server's layout, or undefined (JSON.parse must read it). */
export function readApiServerLine(text: string): LeanAuditLine | undefined {
  const m = LINE.exec(text);
  if (m === null) return undefined;
  const [, auditID, stage, uri, verb, username, groups, extra, ips, ua, resource, namespace, name, subresource, code, received, staged] = m as unknown as (string | undefined)[];
  const user: JsonObject = { username: username! };
  if (groups !== undefined) user['groups'] = items(groups);
  if (extra !== undefined) user['extra'] = JSON.parse(extra) as JsonObject;
  const event: JsonObject = { kind: 'Event', auditID: auditID!, stage: stage!, requestURI: unescape(uri!), verb: verb!, user };
  if (ips !== undefined) event['sourceIPs'] = items(ips);
  if (ua !== undefined) event['userAgent'] = unescape(ua);
  if (resource !== undefined) {
    const ref: JsonObject = { resource };
    if (namespace !== undefined) ref['namespace'] = namespace;
    if (name !== undefined) ref['name'] = name;
    if (subresource !== undefined) ref['subresource'] = subresource;
    event['objectRef'] = ref;
  }
  if (code !== undefined) event['responseStatus'] = { code: Number(code) };
  event['requestReceivedTimestamp'] = received!;
  event['stageTimestamp'] = staged!;
  return { stage: stage!, auditID: auditID!, event };
}
