/**
 * HCL → JSON through @cdktf/hcl2json (HashiCorp's HCL parser compiled to WebAssembly).
 * The package's API is async only because it waits for the module to load; once loaded, the
 * exported Go function answers through its callback before returning. Auditors are synchronous,
 * so we load once (loadHcl) and then call that function directly (parseHcl).
 */
type GoCallback = (err: string | null, result: string | null) => void;
interface WasmRoot {
  parse?: (file: string, text: string, cb: GoCallback) => void;
}

let loading: Promise<void> | undefined;

function wasmRoot(): WasmRoot | undefined {
  const root = (globalThis as Record<string, unknown>).__parse_terraform_config_wasm__;
  return typeof root === 'object' && root !== null ? (root as WasmRoot) : undefined;
}

/** Load the WebAssembly parser (about a second, once per process). */
export function loadHcl(): Promise<void> {
  // Imported here: the package starts loading its WebAssembly as soon as it is imported.
  loading ??= import('@cdktf/hcl2json').then(({ parse }) => parse('init.tf', '')).then(() => undefined);
  return loading;
}

export function hclReady(): boolean {
  return typeof wasmRoot()?.parse === 'function';
}

export type HclBody = Record<string, unknown>;

export type HclParse = { ok: true; body: HclBody } | { ok: false; message: string; line?: number };

/** Parse one file synchronously. Requires loadHcl() to have resolved. */
export function parseHcl(file: string, text: string): HclParse {
  const fn = wasmRoot()?.parse;
  if (typeof fn !== 'function') return { ok: false, message: 'HCL parser not loaded (await loadHcl() first)' };
  let result: HclParse | undefined;
  try {
    fn(file, text, (err, out) => {
      if (err) {
        result = { ok: false, message: err, ...lineOfError(err) };
        return;
      }
      try {
        const body: unknown = JSON.parse(out ?? '{}');
        result = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ok: true, body: body as HclBody } : { ok: false, message: 'parser returned no object' };
      } catch (e) {
        result = { ok: false, message: `parser output unreadable: ${String(e)}` };
      }
    });
  } catch (e) {
    return { ok: false, message: `HCL parser failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return result ?? { ok: false, message: 'HCL parser did not answer synchronously' };
}

/** "parse config: [main.tf:12,3-4: Invalid expression; …]" → line 12. */
function lineOfError(err: string): { line?: number } {
  const m = /:(\d+),\d+/.exec(err);
  return m ? { line: Number(m[1]) } : {};
}
