import { describe, expect, it } from 'vitest';
import { dockerEventsDecoder } from '../../../src/detect/decoders/docker-events.js';
import { bare, decodeText, fixture } from './helpers.js';

describe('docker-events decoder', () => {
  it('decodes events.Message lines: nanosecond time, verb before the colon, name attribute', () => {
    const r = decodeText(dockerEventsDecoder, fixture('docker-events/docker-events.jsonl'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'api', service: 'docker', time: 1741079702481, actor: '', src: '', verb: 'create', resource: 'containers', name: 'x1' },
      { kind: 'api', service: 'docker', time: 1741079710000, actor: '', src: '', verb: 'exec_start', resource: 'containers', name: 'x1' },
      { kind: 'api', service: 'docker', time: 1741079703000, actor: '', src: '', verb: 'connect', resource: 'networks', name: 'bridge' },
    ]);
  });

  it('rejects non-events with a reason', () => {
    const r = decodeText(dockerEventsDecoder, ['2025-03-04T09:15:02.000000000Z container create 7c5f (image=alpine)', '{"Type":"spaceship","Action":"x","time":1}', '{"Type":"container","time":1}', '{"Type":"container","Action":"start"}'].join('\n'));
    expect(r.events).toEqual([]);
    expect(r.rejections.map((x) => x.reason)).toEqual([
      `not JSON (expected docker events --format '{{json .}}'): "2025-03-04T09:15:02.000000000Z container…"`,
      'Type "spaceship" is not a Docker event type',
      'no Action',
      'no time or timeNano',
    ]);
  });
});
