// Value formats the views share: times as each system prints them, sizes as TiDB prints them, the
// AnalyticDB-style long numeric job id, and the progress of a job against its known totals.

import type { Job, JobProgress } from '../model.js';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** 'YYYY-MM-DD HH:MM:SS' in the daemon's time zone (Doris CreateTime). */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** AnalyticDB: '2026-02-27 10:21:39.0'. */
export function adbTime(ms: number): string {
  return `${dateTime(ms)}.${Math.floor((ms % 1000) / 100)}`;
}

/** TiDB: '2023-06-08 16:01:22.095698' (millisecond clock, so the last three digits are 0). */
export function tidbTime(ms: number): string {
  return `${dateTime(ms)}.${pad(ms % 1000, 3)}000`;
}

const ID_DIGITS = 20;

/** AnalyticDB-style job id: creation time (yyyyMMddHHmmssSSS) then the job number on 20 digits. */
export function adbJobId(id: number, createdAt: number): string {
  const d = new Date(createdAt);
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}${pad(d.getMilliseconds(), 3)}`;
  return stamp + pad(id, ID_DIGITS);
}

/** The job number inside an AnalyticDB job id, or null when the text is not one. */
export function parseAdbJobId(text: string): number | null {
  if (!/^\d{18,}$/.test(text) || text.length <= ID_DIGITS) return null;
  const id = Number(text.slice(-ID_DIGITS));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** TiDB's units.BytesSize: 1024-based, 4 significant digits ('16B', '1.5KiB', '10MiB'). */
export function bytesSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toPrecision(4))}${units[u]}`;
}

/** Percent done, by bytes when the total is known, else by files; null before totals are known. */
export function percentDone(p: JobProgress): number | null {
  if (p.totalBytes !== null && p.totalBytes > 0) return Math.min(100, (100 * p.bytesDone) / p.totalBytes);
  if (p.totalFiles !== null && p.totalFiles > 0) return Math.min(100, (100 * p.filesDone) / p.totalFiles);
  if (p.totalFiles === 0) return 100;
  return null;
}

export function progressText(job: Job): string | null {
  if (job.state === 'FINISHED') return '100.0%';
  const raw = percentDone(job.progress);
  const pct = raw === null ? null : Math.max(0, raw);
  return pct === null ? null : `${pct.toFixed(1)}%`;
}

/**
 * Where a job's error rows are (result_url, TrackingUrl, Result_Message): the statement that lists
 * them, runnable as shown from any client.
 */
export function errorRowsPointer(job: Pick<Job, 'id' | 'errorRowCount'>): string | null {
  if (job.errorRowCount === 0) return null;
  return errorRowsStatement(job.id);
}

export function errorRowsStatement(jobId: number): string {
  return `SHOW JOB ERRORS '${jobId}'`;
}
