// Batches as plain data for postMessage, with their typed arrays moved rather than copied.

import { TextBatch, type TextBatchData } from './text-batch.js';
import { ValueBatch, type ValueBatchData } from './value-batch.js';
import type { RowBatch } from './types.js';

export type BatchData = TextBatchData | ValueBatchData;

export function batchData(batch: RowBatch): { data: BatchData; transfer: ArrayBuffer[] } {
  if (batch instanceof TextBatch) {
    const d = batch.data;
    // Each array was sliced for this batch alone, so its buffer can be given away.
    const transfer = [d.starts, d.ends, d.flags, d.rowEnds, d.lines, d.offsets].map((a) => a.buffer as ArrayBuffer);
    return { data: d, transfer };
  }
  if (batch instanceof ValueBatch) return { data: batch.data, transfer: [] };
  throw new Error('unknown batch type');
}

export function batchFromData(data: BatchData): RowBatch {
  return data.kind === 'text' ? new TextBatch(data) : new ValueBatch(data);
}
