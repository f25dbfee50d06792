// The floor for a JSON-lines log: read the file in 64 KiB chunks, split it into lines and JSON.parse
// every line, keeping nothing. Whatever reads such a log in Node pays at least this.
// Run: node json-parse-floor.mjs FILE   → prints the lines parsed
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

const fd = openSync(process.argv[2], 'r');
const buf = Buffer.allocUnsafe(64 * 1024);
let carry = '';
let lines = 0;
let keys = 0;
for (;;) {
  const n = readSync(fd, buf, 0, buf.length, null);
  if (n === 0) break;
  const text = carry + buf.toString('utf8', 0, n);
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    if (nl > start) {
      keys += Object.keys(JSON.parse(text.slice(start, nl))).length;
      lines++;
    }
    start = nl + 1;
  }
  carry = text.slice(start);
}
if (carry.trim() !== '') {
  JSON.parse(carry);
  lines++;
}
closeSync(fd);
console.log(lines, keys > 0 ? '' : 'no keys');
