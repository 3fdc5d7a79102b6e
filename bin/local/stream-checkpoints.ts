/**
 * Where the local stream poller keeps its place (as Lambda's event source
 * mapping does): per shard, the last sequence number handled, or that the
 * shard was read to its end. Kept in a small JSON file next to DynamoDB
 * Local's data, for the stream it was written for only (a new table has a
 * new stream and starts afresh). Writes go one after another, each replacing
 * the file whole (write, then rename), so a crash leaves the last position
 * written, never half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type ShardPosition = { after: string } | { done: true };

export interface StreamCheckpoints {
  /** The positions kept for this stream (none for another stream's file). */
  load(streamArn: string): Promise<Record<string, ShardPosition>>;
  save(streamArn: string, shardId: string, position: ShardPosition): Promise<void>;
  /** Resolves once everything saved so far is in the file. */
  flush(): Promise<void>;
}

interface CheckpointFile {
  streamArn: string;
  shards: Record<string, ShardPosition>;
}

export function fileCheckpoints(path: string): StreamCheckpoints {
  let current: CheckpointFile | undefined;
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;

  const write = async () => {
    if (!dirty || current === undefined) return;
    dirty = false;
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.tmp`;
    await writeFile(temporary, `${JSON.stringify(current, null, 2)}\n`);
    await rename(temporary, path);
  };

  return {
    async load(streamArn) {
      let stored: CheckpointFile | undefined;
      try {
        stored = JSON.parse(await readFile(path, 'utf8')) as CheckpointFile;
      } catch (error: unknown) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError))
          throw error;
      }
      current = stored?.streamArn === streamArn ? stored : { streamArn, shards: {} };
      return { ...current.shards };
    },
    save(streamArn, shardId, position) {
      if (current?.streamArn !== streamArn) current = { streamArn, shards: {} };
      current.shards[shardId] = position;
      dirty = true;
      // One write at a time; positions saved while one runs go out in the next.
      writing = writing.then(write);
      return writing;
    },
    flush() {
      return writing;
    },
  };
}
