// Starts a private s3rver for tests and benchmarks: a temp directory, a free loopback port, always
// cleaned up. s3rver runs in a child process started with `node --openssl-legacy-provider`, because
// its paginated ListObjectsV2 uses DES, which Node 20's OpenSSL 3 refuses otherwise (answers 500).
// Clients use requestChecksumCalculation: 'WHEN_REQUIRED': s3rver would store the aws-chunked
// framing of a default SDK upload inside the object.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface S3Instance {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  /** s3rver's fixed credentials. */
  readonly accessKey: string;
  readonly secretKey: string;
  /** A client for setting up fixtures (path style, checksums only when required). */
  readonly client: S3Client;
  createBucket(name: string): Promise<void>;
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  stop(): Promise<void>;
}

// s3rver writes an object's file in place while the upload streams in, so a listing meanwhile sees
// part of it (a daemon watching a prefix would load a file that is still arriving), and can even
// fix the object's ETag from that part. Real S3 and MinIO publish an upload whole: here an object
// is written beside the store first and renamed into place once complete, its metadata first.
const SCRIPT = (s3rverPath: string): string => `
import S3rver from ${JSON.stringify(s3rverPath)};
import { createRequire } from 'node:module';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
const FilesystemStore = createRequire(${JSON.stringify(s3rverPath)})('./stores/filesystem.js');
const staging = join(process.argv[2], '..', 'staging');
await mkdir(staging, { recursive: true });
FilesystemStore.prototype.putObject = async function (object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  const aside = join(staging, randomUUID());
  const md5 = createHash('md5');
  let size = 0;
  const out = createWriteStream(aside);
  for await (const chunk of Buffer.isBuffer(object.content) ? [object.content] : object.content) {
    md5.update(chunk);
    size += chunk.length;
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
  out.end();
  await finished(out);
  const digest = md5.digest('hex');
  await mkdir(dirname(objectPath), { recursive: true });
  await this.putMetadata(object.bucket, object.key, object.metadata, digest);
  await rename(aside, objectPath);
  return { size, md5: digest };
};
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2] });
const addr = await server.run();
process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n');
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
process.stdin.resume();
`;

export function s3Client(endpoint: string, accessKey = 'S3RVER', secretKey = 'S3RVER'): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function startS3(): Promise<S3Instance> {
  const dir = await mkdtemp(join(tmpdir(), 'loadwire-s3-'));
  const s3rverPath = createRequire(import.meta.url).resolve('s3rver');
  const script = join(dir, 'run-s3rver.mjs');
  await writeFile(script, SCRIPT(s3rverPath));
  const dataDir = join(dir, 'data');
  let child: ChildProcess | null = null;
  try {
    child = spawn(process.execPath, ['--openssl-legacy-provider', script, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
    const proc = child;
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('s3rver did not start within 20 s')), 20_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          resolve((JSON.parse(out.slice(0, nl)) as { port: number }).port);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited with code ${code}`));
      });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const client = s3Client(endpoint);
    let stopped = false;
    return {
      endpoint,
      port,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      client,
      async createBucket(name) {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      },
      async put(bucket, key, body) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        client.destroy();
        await new Promise<void>((resolve) => {
          if (proc.exitCode !== null) {
            resolve();
            return;
          }
          const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
          proc.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          proc.kill('SIGTERM');
        });
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
