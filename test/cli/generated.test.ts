import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedFiles } from '../../scripts/generate-docs.js';
import { CONFIG_TEMPLATE } from '../../src/cli/init.js';
import { SCHEMA_PATH } from '../../src/config/json-schema.js';
import { buildProgram } from '../../src/cli/main.js';
import { completionScript } from '../../src/cli/completion.js';
import { ROOT, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-generated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('files generated from the code and shipped in the package', () => {
  for (const [path, text] of Object.entries(generatedFiles())) {
    it(`${path} is up to date (npm run docs writes it)`, () => {
      expect(readFileSync(join(ROOT, path), 'utf8')).toBe(text);
    });
  }
});

describe('JSON Schema of drawbridge.yaml', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, SCHEMA_PATH), 'utf8')) as Record<string, unknown>;
  const validate = new Ajv2020({ strict: false }).compile(schema);

  it('accepts what init writes and the demo configuration', () => {
    expect(validate(parse(CONFIG_TEMPLATE)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parse(readFileSync(join(ROOT, 'samples/drawbridge.yaml'), 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects what the CLI rejects: unknown keys, wrong types, out-of-range numbers, unknown severities', () => {
    for (const bad of [{ failon: 'high' }, { detect: { learnngPeriod: '1d' } }, { probe: { concurrency: 0 } }, { failOn: 'severe' }, { organisation: { asns: ['x'] } }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('is what the file init writes refers to editors', () => {
    const first = CONFIG_TEMPLATE.split('\n')[0]!;
    expect(first).toMatch(/^# yaml-language-server: \$schema=https:\/\/\S+$/);
    expect(first.endsWith(`/drawbridge-cli@${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}/${SCHEMA_PATH}`)).toBe(true);
  });
});

describe('man page', () => {
  it('holds the help of every command and renders without groff warnings', () => {
    const man = readFileSync(join(ROOT, 'man/drawbridge.1'), 'utf8');
    for (const c of ['audit', 'probe', 'detect', 'learn', 'baseline list', 'baseline approve', 'init', 'completion']) expect(man).toContain(`.SS "drawbridge ${c}"`);
    expect(man).toContain('--ignore-file <file>');
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', join(ROOT, 'man/drawbridge.1')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('drawbridge completion', () => {
  const program = buildProgram();

  function complete(words: string[]): string[] {
    const script = join(dir, 'completion.bash');
    writeFileSync(script, completionScript(program, 'bash'));
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const r = spawnSync('bash', ['-c', `source ${script}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _drawbridge_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8', cwd: dir });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  }

  it('bash completes commands, subcommands and the flags of the command being typed', () => {
    expect(complete(['drawbridge', 'det'])).toEqual(['detect']);
    expect(complete(['drawbridge', 'baseline', 'ap'])).toEqual(['approve']);
    expect(complete(['drawbridge', 'audit', 'x', '--ign'])).toEqual(['--ignore-file']);
    expect(complete(['drawbridge', 'detect', '--input-f'])).toEqual(['--input-format']);
    expect(complete(['drawbridge', 'baseline', 'list', '--det'])).toEqual(['--detector']);
    // A flag of another command is not offered.
    expect(complete(['drawbridge', 'audit', '--foll'])).toEqual([]);
  });

  it('zsh and fish scripts cover every command; an unknown shell is exit 2', () => {
    const zsh = runCli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(spawnSync('bash', ['-n'], { input: zsh.stdout, encoding: 'utf8' }).status).toBe(0);
    const fish = completionScript(program, 'fish');
    for (const c of program.commands) expect(fish).toContain(`-a ${c.name()} `);
    expect(fish).toContain("__fish_seen_subcommand_from baseline; and __fish_seen_subcommand_from approve' -l detector");
    const bad = runCli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bash, zsh, fish');
  });
});
