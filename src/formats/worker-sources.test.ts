import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Source } from '../sources/source.js';
import { WorkerSources, type SourceRequest } from './worker-sources.js';

/** A source that records what happens to it. */
function fakeSource(uri: string, log: string[]): Source {
  return {
    kind: 's3',
    location: uri,
    list: async function* () {},
    open: () => Readable.from([]),
    read: () => Promise.resolve(new Uint8Array(0)),
    warm: () => {
      log.push(`warm ${uri}`);
      return uri.includes('bad') ? Promise.reject(new Error('no such bucket')) : Promise.resolve();
    },
    close: () => log.push(`close ${uri}`),
  };
}

function harness(): { sources: WorkerSources; log: string[] } {
  const log: string[] = [];
  return { log, sources: new WorkerSources((uri) => (log.push(`create ${uri}`), fakeSource(uri, log))) };
}

const req = (uri: string, accessKey = 'k'): SourceRequest => ({ uri, config: { importDir: '/x', s3: { accessKey } } });

async function drain(sources: WorkerSources, r: SourceRequest, during?: () => void): Promise<Source> {
  let used: Source | null = null;
  for await (const s of sources.read(r, async function* (source) {
    used = source;
    during?.();
    yield source;
  })) void s;
  return used!;
}

describe('the sources a decode worker keeps', () => {
  it('reads every object of one location through one source, warmed or not', async () => {
    const { sources, log } = harness();
    await sources.warm(req('s3://b/*.csv'));
    const a = await drain(sources, req('s3://b/*.csv'));
    const b = await drain(sources, req('s3://b/*.csv'));
    expect(a).toBe(b);
    expect(log).toEqual(['create s3://b/*.csv', 'warm s3://b/*.csv']);
  });

  it('keeps locations, properties and settings apart', async () => {
    const { sources } = harness();
    const a = await drain(sources, req('s3://b/*.csv'));
    expect(await drain(sources, req('s3://b/*.csv', 'other-key'))).not.toBe(a);
    expect(await drain(sources, { ...req('s3://b/*.csv'), properties: { 's3.region': 'eu' } })).not.toBe(a);
  });

  it('closes the least recently used beyond two, but not while a read runs on it', async () => {
    const { sources, log } = harness();
    await drain(sources, req('s3://one/'));
    await drain(sources, req('s3://two/'));
    await drain(sources, req('s3://one/'));
    await drain(sources, req('s3://three/'));
    expect(log).toContain('close s3://two/');
    expect(log).not.toContain('close s3://one/');
    // 'three' is evicted by two new locations while its read runs: closed when the read ends.
    await drain(sources, req('s3://three/'), () => {
      void drain(sources, req('s3://four/'));
      void drain(sources, req('s3://five/'));
      expect(log).not.toContain('close s3://three/');
    });
    expect(log).toContain('close s3://three/');
    sources.close();
    expect(log.filter((l) => l.startsWith('close'))).toHaveLength(5);
  });

  it('keeps a warm-up failure to itself: the read reports it', async () => {
    const { sources, log } = harness();
    await expect(sources.warm(req('s3://bad/'))).resolves.toBeUndefined();
    expect(log).toEqual(['create s3://bad/', 'warm s3://bad/']);
  });
});
