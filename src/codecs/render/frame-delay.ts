import type { DicomJsonDataset } from '../../dicom/json-model.js';
import { firstNumber } from './dataset-values.js';

const FRAME_TIME = '00181063';
const RECOMMENDED_DISPLAY_FRAME_RATE = '00082144';
const CINE_RATE = '00180040';
/** 10 frames per second when the object says nothing about its pace. */
const DEFAULT_DELAY_MS = 100;

/**
 * Milliseconds between frames when a multi-frame image plays as an animation:
 * Frame Time (0018,1063), else Recommended Display Frame Rate (0008,2144) or
 * Cine Rate (0018,0040), in frames per second (PS3.3 C.7.6.5, C.7.6.6).
 */
export function frameDelayMs(ds: DicomJsonDataset): number {
  const frameTime = firstNumber(ds[FRAME_TIME]);
  if (frameTime !== undefined && frameTime > 0) return Math.round(frameTime);
  const rate = firstNumber(ds[RECOMMENDED_DISPLAY_FRAME_RATE]) ?? firstNumber(ds[CINE_RATE]);
  return rate !== undefined && rate > 0 ? Math.round(1000 / rate) : DEFAULT_DELAY_MS;
}
