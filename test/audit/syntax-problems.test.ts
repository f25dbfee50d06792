import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../src/audit/cloud/documents.js';
import { parseYamlDocuments } from '../../src/audit/yaml-positions.js';

const TRUNCATED = '{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": 22, "ToPort": 22,\n "IpRanges": [{"CidrIp": "0.0.0.0/0"';

describe('a document that does not parse is one problem, not one per open bracket', () => {
  for (const [name, parse] of [
    ['cloud documents', (t: string) => parseDocuments('sgs.json', t).problems],
    ['manifests', (t: string) => parseYamlDocuments('sgs.json', t).problems],
  ] as const) {
    it(`${name}: truncated JSON says so once, on its last line`, () => {
      expect(parse(TRUNCATED)).toEqual([{ file: 'sgs.json', line: 2, message: 'invalid JSON: the text ends before every bracket is closed (truncated?)' }]);
    });

    it(`${name}: broken JSON names the first fault and its line`, () => {
      const problems = parse('{\n  "a": 1\n  "b": 2\n}\n');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/^invalid JSON: Expected ',' or '}'/) });
    });

    it(`${name}: broken YAML gives one problem per document, counting the rest`, () => {
      const problems = parse('a: [1, 2\nb: {x\n---\nc: 1\n');
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toMatch(/^YAML document 1 skipped: .+ \(and \d+ more\)$/);
    });
  }
});
