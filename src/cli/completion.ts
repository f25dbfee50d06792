/**
 * `drawbridge completion bash|zsh|fish`: completion scripts generated from the command tree, so that
 * every command and flag the CLI knows completes, and nothing else.
 */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

interface Node {
  /** "audit", "baseline list"; "" for the top level. */
  path: string;
  subcommands: { name: string; description: string }[];
  options: { flags: string[]; description: string; takesValue: boolean }[];
}

function nodes(cmd: Command, path: string[] = []): Node[] {
  const node: Node = {
    path: path.join(' '),
    subcommands: cmd.commands.map((c) => ({ name: c.name(), description: c.summary() || c.description().split('\n')[0]! })),
    options: cmd.options.map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
      description: o.description,
      takesValue: o.required || o.optional,
    })),
  };
  node.options.push({ flags: ['-h', '--help'], description: 'display help', takesValue: false });
  return [node, ...cmd.commands.flatMap((c) => nodes(c, [...path, c.name()]))];
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(program: Command): string {
  const name = program.name();
  const fn = `_${name}_complete`;
  const cases = nodes(program).map((n) => {
    const words = [...n.subcommands.map((s) => s.name), ...n.options.flatMap((o) => o.flags)].join(' ');
    const valued = n.options.filter((o) => o.takesValue).flatMap((o) => o.flags).join('|');
    return [
      `    ${shq(n.path)})`,
      valued ? `      case "$prev" in ${valued}) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac` : '',
      `      words=${shq(words)} ;;`,
    ].filter(Boolean).join('\n');
  });
  const paths = nodes(program).map((n) => n.path).filter(Boolean).join('|');
  return `# bash completion for ${name}; load with: source <(${name} completion bash)
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path='' next w words
  # The command path: each word that names a command under the path so far (flags and values are not).
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    next=\${path:+$path }$w
    case "|${paths}|" in *"|$next|"*) path=$next ;; esac
  done
  case "$path" in
${cases.join('\n')}
    *) words='' ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(printf '%s\\n' $words | grep -- '^-')" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(printf '%s\\n' $words | grep -v -- '^-')" -- "$cur"))
    [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F ${fn} ${name}
`;
}

function zsh(program: Command): string {
  // zsh runs the bash function through bashcompinit: one generated script for both shells.
  return `#compdef ${program.name()}
# zsh completion for ${program.name()}; load with: source <(${program.name()} completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(program)}`;
}

function fish(program: Command): string {
  const name = program.name();
  const lines = [`# fish completion for ${name}; load with: ${name} completion fish | source`, `complete -c ${name} -f`];
  for (const n of nodes(program)) {
    const words = n.path === '' ? [] : n.path.split(' ');
    // Fish has no command-path test of its own: seen-subcommand for each word, and no deeper command yet.
    const deeper = n.subcommands.map((s) => s.name);
    const cond = words.length === 0 ? '__fish_use_subcommand' : words.map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ');
    const notDeeper = deeper.length > 0 ? `; and not __fish_seen_subcommand_from ${deeper.join(' ')}` : '';
    for (const s of n.subcommands) lines.push(`complete -c ${name} -n ${shq(cond + notDeeper)} -a ${s.name} -d ${shq(s.description)}`);
    for (const o of n.options) {
      const parts = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
      lines.push(`complete -c ${name} -n ${shq(cond)} ${parts}${o.takesValue ? ' -r -F' : ''} -d ${shq(o.description)}`);
    }
  }
  return lines.join('\n') + '\n';
}

export const SHELLS = { bash, zsh, fish } as const;

export function completionScript(program: Command, shell: string): string {
  const make = SHELLS[shell as keyof typeof SHELLS];
  if (!make) throw new UsageError(`completion: unknown shell "${shell}" (one of ${Object.keys(SHELLS).join(', ')})`);
  return make(program);
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish')
    .argument('<shell>', 'bash | zsh | fish')
    .addHelpText('after', `\nLoad it now:  source <(${program.name()} completion bash)   (zsh: the same with zsh; fish: ${program.name()} completion fish | source)`)
    .action((shell: string) => {
      // The whole tree: the root program, whichever command this is.
      let root: Command = program;
      while (root.parent) root = root.parent;
      process.stdout.write(completionScript(root, shell));
    });
}
