import { readFileSync } from 'node:fs';
import { AUDITORS } from './src/audit/registry.js';
for (const f of process.argv.slice(2)) {
  const t = readFileSync(f, 'utf8');
  console.log(AUDITORS.find((a) => a.recognises(f, t))?.id ?? '-', f.replace('/work/shared/data/real/', ''));
}
