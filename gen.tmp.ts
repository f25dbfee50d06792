import { caseDirs, runCase } from './test/audit/cloud/case-runner.js';
for (const kind of ['cloud', 'terraform']) for (const c of caseDirs('catalog/audit', kind)) {
  const r = runCase(c.dir);
  console.log(`== ${kind}/${c.rule}/${c.name} [${r.auditors.join(',')}]`);
  for (const f of r.actual) console.log('  ', JSON.stringify(f));
  for (const p of r.problems) console.log('   PROBLEM', JSON.stringify(p));
}
