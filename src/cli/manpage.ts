/**
 * drawbridge(1), generated from the commands' own help text so that the man page and `--help` never
 * disagree. Each command's help goes in verbatim (no-fill), under a subsection of its own.
 */
import type { Command } from 'commander';

// man indents the text by 7 columns; this keeps it within 80.
const WIDTH = 72;

/** roff: a backslash is an escape, a line starting with . or ' is a request, input is ASCII. */
function roffText(s: string): string {
  return s
    .replace(/\\/g, '\\e')
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

function helpOf(cmd: Command): string {
  cmd.configureHelp({ helpWidth: WIDTH });
  return cmd.helpInformation().trimEnd();
}

function walk(cmd: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  return cmd.commands.flatMap((c) => [{ path: [...path, c.name()], cmd: c }, ...walk(c, [...path, c.name()])]);
}

export function renderManPage(program: Command, opts: { version: string }): string {
  const name = program.name();
  const out: string[] = [
    `.TH ${name.toUpperCase()} 1 "" "${name} ${opts.version}" "User Commands"`,
    '.SH NAME',
    `${name} \\- ${roffText(program.description().split('\n')[0]!.replace(/:$/, ''))}`,
    '.SH SYNOPSIS',
    `.B ${name}`,
    '.I command',
    '[\\fIoptions\\fR] [\\fIarguments\\fR]',
    '.SH DESCRIPTION',
    '.nf',
    roffText(helpOf(program)),
    '.fi',
    '.SH COMMANDS',
  ];
  for (const { path, cmd } of walk(program)) {
    out.push(`.SS "${name} ${path.join(' ')}"`, '.nf', roffText(helpOf(cmd)), '.fi');
  }
  out.push(
    '.SH EXIT STATUS',
    '0 nothing at or above \\fB\\-\\-fail\\-on\\fR; 1 something is; 2 bad usage or unreadable input.',
    '.SH FILES',
    '.TP',
    '.I drawbridge.yaml',
    'configuration (\\fBdrawbridge init\\fR writes a commented one)',
    '.TP',
    '.I .drawbridgeignore',
    'accepted findings, each with a reason and an expiry date',
    '.TP',
    '.I .drawbridge/',
    'state: baselines, offsets, probe history, dead letters, webhook spool',
    '',
  );
  return out.join('\n');
}
