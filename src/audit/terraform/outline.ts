/**
 * Line numbers for Terraform files. hcl2json gives values but no positions, so this scanner reads
 * the text once for structure only: blocks (type, labels, line) and the line of each attribute.
 * It skips strings (with ${…} templates), heredocs and comments, and never throws.
 */

export interface OutlineBlock {
  type: string;
  labels: string[];
  line: number;
  attrs: Map<string, number>;
  children: OutlineBlock[];
}

type Tok =
  | { k: 'ident'; v: string; line: number }
  | { k: 'str'; v: string; line: number }
  | { k: 'nl'; line: number }
  | { k: 'p'; v: string; line: number }
  | { k: 'other'; line: number };

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;

  // Skip a quoted string starting at text[i] === '"'; returns its raw content.
  const readString = (): string => {
    const start = i + 1;
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '\n') {
        // Unterminated on this line: HCL strings are single-line; stop so one typo does not eat the file.
        break;
      }
      if ((c === '$' || c === '%') && text[i + 1] === '{') {
        i += 2;
        skipTemplate();
        continue;
      }
      if (c === '"') {
        i++;
        return text.slice(start, i - 1);
      }
      i++;
    }
    return text.slice(start, i);
  };
  // Inside ${ … }: nested braces and strings until the matching close.
  const skipTemplate = (): void => {
    let depth = 1;
    while (i < n && depth > 0) {
      const c = text[i];
      if (c === '"') {
        readString();
        continue;
      }
      if (c === '\n') line++;
      if (c === '{') depth++;
      else if (c === '}') depth--;
      i++;
    }
  };

  while (i < n) {
    const c = text[i] as string;
    if (c === '\n') {
      toks.push({ k: 'nl', line });
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') line++;
        i++;
      }
      i += 2;
      continue;
    }
    if (c === '"') {
      const l = line;
      toks.push({ k: 'str', v: readString(), line: l });
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (m) {
        const marker = m[2] as string;
        toks.push({ k: 'other', line });
        i += m[0].length;
        line++;
        // Body lines until one whose trimmed text is the marker.
        while (i < n) {
          const end = text.indexOf('\n', i);
          const lineText = text.slice(i, end === -1 ? n : end);
          i = end === -1 ? n : end + 1;
          if (lineText.trim() === marker) {
            // Leave the newline after the marker as a statement end.
            if (end !== -1) i = end;
            break;
          }
          line++;
        }
        continue;
      }
    }
    if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_-]/.test(text[i] as string)) i++;
      toks.push({ k: 'ident', v: text.slice(start, i), line });
      continue;
    }
    if ('{}[]()=,:?'.includes(c)) {
      // `==`, `=>` are operators, not assignments.
      if (c === '=' && (text[i + 1] === '=' || text[i + 1] === '>')) {
        toks.push({ k: 'other', line });
        i += 2;
        continue;
      }
      toks.push({ k: 'p', v: c, line });
      i++;
      continue;
    }
    toks.push({ k: 'other', line });
    i++;
  }
  return toks;
}

/** The block tree of a Terraform file; the root block has type "" and holds the top-level blocks. */
export function outline(text: string): OutlineBlock {
  const toks = tokenize(text);
  let p = 0;
  const root: OutlineBlock = { type: '', labels: [], line: 1, attrs: new Map(), children: [] };

  const skipExpression = (): void => {
    let depth = 0;
    while (p < toks.length) {
      const t = toks[p] as Tok;
      if (t.k === 'p' && (t.v === '{' || t.v === '[' || t.v === '(')) depth++;
      else if (t.k === 'p' && (t.v === '}' || t.v === ']' || t.v === ')')) {
        if (depth === 0) return; // closes the enclosing one-line block
        depth--;
      } else if (t.k === 'nl' && depth === 0) return;
      p++;
    }
  };

  const parseBody = (block: OutlineBlock, depthGuard: number): void => {
    while (p < toks.length) {
      const t = toks[p] as Tok;
      if (t.k === 'nl' || (t.k === 'p' && t.v === ',')) {
        p++;
        continue;
      }
      if (t.k === 'p' && t.v === '}') {
        if (block !== root) {
          p++;
          return;
        }
        p++;
        continue;
      }
      if (t.k !== 'ident') {
        p++;
        continue;
      }
      const next = toks[p + 1];
      if (next && next.k === 'p' && (next.v === '=' || next.v === ':')) {
        if (!block.attrs.has(t.v)) block.attrs.set(t.v, t.line);
        p += 2;
        skipExpression();
        continue;
      }
      // Block header: ident (ident | "label")* {
      const labels: string[] = [];
      let q = p + 1;
      while (q < toks.length) {
        const l = toks[q] as Tok;
        if (l.k === 'str' || l.k === 'ident') {
          labels.push(l.v);
          q++;
        } else break;
      }
      const open = toks[q];
      if (open && open.k === 'p' && open.v === '{' && depthGuard < 64) {
        const child: OutlineBlock = { type: t.v, labels, line: t.line, attrs: new Map(), children: [] };
        block.children.push(child);
        p = q + 1;
        parseBody(child, depthGuard + 1);
        continue;
      }
      p = q === p + 1 ? p + 1 : q;
    }
  };
  parseBody(root, 0);
  return root;
}

export type RawPath = readonly (string | number)[];

/**
 * Line of `path` inside `block`, in hcl2json's shape: block names followed by an index
 * (["ingress", 1, "cidr_blocks"], ["dynamic", "ingress", 0, "content", 0, "from_port"]).
 * Falls back to the deepest block found.
 */
export function lineIn(block: OutlineBlock, path: RawPath): number {
  let cur = block;
  let i = 0;
  while (i < path.length) {
    const seg = path[i];
    if (typeof seg !== 'string') return cur.line;
    if (seg === 'dynamic' && typeof path[i + 1] === 'string' && typeof path[i + 2] === 'number') {
      const label = path[i + 1] as string;
      const idx = path[i + 2] as number;
      const found = cur.children.filter((c) => c.type === 'dynamic' && c.labels[0] === label)[idx];
      if (!found) return cur.line;
      cur = found;
      i += 3;
      continue;
    }
    const idx = path[i + 1];
    if (typeof idx === 'number') {
      const found = cur.children.filter((c) => c.type === seg)[idx];
      if (found) {
        cur = found;
        i += 2;
        continue;
      }
    }
    return cur.attrs.get(seg) ?? cur.line;
  }
  return cur.line;
}

/** The `resource "TYPE" "NAME"` block (quoted or bare labels). */
export function findResource(root: OutlineBlock, type: string, name: string): OutlineBlock | undefined {
  return root.children.find((b) => b.type === 'resource' && b.labels[0] === type && b.labels[1] === name);
}
