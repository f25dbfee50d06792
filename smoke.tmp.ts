import { readFileSync, readdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
const globSync = (p: string) => { const d = dirname(p); const suf = basename(p).replace('*', ''); try { return readdirSync(d).filter((n) => n.endsWith(suf)).map((n) => join(d, n)); } catch { return []; } };
import { ConfigSchema } from './src/config/schema.js';
import { terraformAuditor } from './src/audit/terraform/auditor.js';
import { terraformPlanAuditor } from './src/audit/terraform/plan.js';
import { awsSecurityGroupAuditor } from './src/audit/cloud/aws-sg.js';
const config = ConfigSchema.parse({});
const ctx = { config, readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } }, glob: (p: string) => globSync(p) };
const auditors = [terraformAuditor, terraformPlanAuditor, awsSecurityGroupAuditor];
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, 'utf8');
  for (const a of auditors) if (a.recognises(f, text)) {
    const r = a.audit(f, text, ctx);
    for (const x of r.findings) console.log(a.id, `${f.split('/').slice(-2).join('/')}:${(x.location as {line:number}).line}`, x.rule, x.severity, x.subTechnique, x.title, '|', x.evidence.exposes, '|', x.evidence.exposedTo);
    for (const p of r.problems) console.log('PROBLEM', JSON.stringify(p));
  }
}
