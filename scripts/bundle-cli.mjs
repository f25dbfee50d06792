/**
 * Bundles the command line into dist/bundle/ (bin.mjs plus chunks that load on use), and makes
 * dist/cli/bin.js, the package's `bin`, load it: a cold start then reads a few files instead of
 * resolving and loading hundreds of modules. Run by `npm run build` after tsc, whose output stays in
 * dist/ and is what the bundle's data paths point at: worker threads, the binary ASN tables and the
 * compiled catalogues are found next to each module's compiled file, exactly as without the bundle.
 *
 * Dependencies with native code, WebAssembly, data files or worker threads stay outside the bundle and
 * load from node_modules as before; the pure JavaScript ones every command needs at start are bundled.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
/** At the same depth as dist/cli/, so that paths relative to a module's file resolve alike from both. */
const OUT = join(ROOT, 'dist', 'bundle');

/** Pure JavaScript dependencies that commands load at start: bundled. Every other dependency stays external. */
const BUNDLED = new Set(['commander', 'yaml', 'zod', 'ipaddr.js', 'semver']);

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {})
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

/** The compiled file (dist/…/x.js) a source module (src/…/x.ts) becomes under tsc. */
function compiledFile(source) {
  return join(ROOT, 'dist', relative(SRC, source)).replace(/\.ts$/, '.js');
}

/**
 * Each module's `import.meta.url` becomes the URL of its own compiled file, relative to the chunk it
 * ends up in (every chunk is written to dist/bundle/), so paths computed from it stay what they were.
 */
const moduleUrls = {
  name: 'module-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!args.path.startsWith(SRC + sep) || !text.includes('import.meta.url')) return undefined;
      const rel = relative(OUT, compiledFile(args.path)).split(sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

// Chunks of an earlier build would linger under new names.
await rm(OUT, { recursive: true, force: true });

/**
 * zod's namespace export carries its error messages in some forty languages (`z.locales`, about a fifth
 * of the code a detect run loaded); the command line only ever uses English, which zod sets itself.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: dirname(args.path) }));
  },
};

const result = await build({
  entryPoints: { bin: join(SRC, 'cli', 'bin.ts') },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  external,
  plugins: [moduleUrls, englishOnly],
  // .mjs: Node need not look up a package.json to know each chunk is a module.
  outExtension: { '.js': '.mjs' },
  legalComments: 'linked',
  // Bundled CommonJS dependencies (commander, yaml) require Node's built-in modules.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
});

// The package's bin (tsc's unbundled entry until now) becomes a one-line loader of the bundle.
await writeFile(join(ROOT, 'dist', 'cli', 'bin.js'), "#!/usr/bin/env node\nimport '../bundle/bin.mjs';\n");

const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.mjs'));
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`${OUT}: bin.mjs and ${outputs.length - 1} chunks, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
