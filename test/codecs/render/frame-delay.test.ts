import { describe, expect, it } from 'vitest';
import { frameDelayMs } from '../../../src/codecs/render/frame-delay.js';

describe('pace of an animated multi-frame image', () => {
  it('Frame Time (ms) first, then a frame rate (frames per second), else 10 frames per second', () => {
    expect(frameDelayMs({ '00181063': { vr: 'DS', Value: [33.3] }, '00082144': { vr: 'IS', Value: [10] } })).toBe(33);
    expect(frameDelayMs({ '00082144': { vr: 'IS', Value: [25] } })).toBe(40);
    expect(frameDelayMs({ '00180040': { vr: 'IS', Value: [50] } })).toBe(20);
    expect(frameDelayMs({ '00181063': { vr: 'DS', Value: [0] } })).toBe(100);
  });
});
