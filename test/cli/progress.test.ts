import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress } from '../../bin/progress.js';

/** A stream standing in for stderr, on a terminal or not. */
function fakeStderr(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  Object.assign(stream, { isTTY, columns: 80 });
  return { out: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('command-line progress on stderr', () => {
  it('redraws one bar in place on a terminal, and ends its line when finished', () => {
    const { out, text } = fakeStderr(true);
    const progress = new Progress(out);
    progress.update('import', 0, 4);
    progress.update('import', 4, 4, '4 stored');
    progress.finish();
    expect(text()).toBe(
      `\r\x1b[Kimport [${'-'.repeat(30)}] 0% 0/4` + `\r\x1b[Kimport [${'#'.repeat(30)}] 100% 4/4, 4 stored` + '\n',
    );
  });

  it('writes plain lines elsewhere, at most one per interval between the first and the last', () => {
    const { out, text } = fakeStderr(false);
    const progress = new Progress(out);
    for (let done = 0; done <= 100; done++) progress.update('copying instances', done, 100);
    progress.update('copying instances', 100, 100);
    progress.finish();
    expect(text()).toBe('copying instances: 0% 0/100\ncopying instances: 100% 100/100\n');
  });
});
