/**
 * The relay's spool: messages accepted on the target's behalf while it
 * could not be reached, kept on local disk until forwarded. A message is
 * written to `tmp/`, fsynced, renamed into `queue/` and the folder fsynced
 * before the sender is told AA, so an acknowledged message survives a crash
 * or power loss. Names are a zero-padded sequence: name order is arrival
 * order, across restarts. Messages the target rejected (AR) after the
 * sender was told AA are moved to `rejected/`, beside the target's ACK.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const nameDigits = 16;

export interface SpooledMessage {
  name: string;
  content: Uint8Array;
}

function fsyncPath(path: string): void {
  const descriptor = openSync(path, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

function writeDurably(path: string, content: Uint8Array | string): void {
  const descriptor = openSync(path, 'w');
  try {
    writeFileSync(descriptor, content);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

export class Spool {
  private readonly queue: string;
  private readonly tmp: string;
  private readonly rejected: string;
  private next: number;
  private pending: string[];

  constructor(readonly folder: string) {
    this.queue = join(folder, 'queue');
    this.tmp = join(folder, 'tmp');
    this.rejected = join(folder, 'rejected');
    for (const path of [this.queue, this.tmp, this.rejected]) mkdirSync(path, { recursive: true });
    // A write cut short before its rename was never acknowledged: the sender still has it.
    for (const leftover of readdirSync(this.tmp)) rmSync(join(this.tmp, leftover), { force: true });
    this.pending = readdirSync(this.queue)
      .filter((name) => /^\d+\.hl7$/.test(name))
      .sort();
    const last = this.pending.at(-1);
    this.next = last === undefined ? 0 : Number(last.slice(0, nameDigits)) + 1;
  }

  /** Messages waiting, oldest first. */
  get size(): number {
    return this.pending.length;
  }

  /** Durable when it returns (file and folder entry fsynced). */
  add(content: Uint8Array): string {
    const name = `${String(this.next++).padStart(nameDigits, '0')}.hl7`;
    const staged = join(this.tmp, name);
    writeDurably(staged, content);
    renameSync(staged, join(this.queue, name));
    fsyncPath(this.queue);
    this.pending.push(name);
    return name;
  }

  oldest(): SpooledMessage | undefined {
    const name = this.pending[0];
    if (name === undefined) return undefined;
    return { name, content: readFileSync(join(this.queue, name)) };
  }

  /** The target has it: gone from the queue for good. */
  forwarded(name: string): void {
    rmSync(join(this.queue, name), { force: true });
    fsyncPath(this.queue);
    this.pending = this.pending.filter((pending) => pending !== name);
  }

  /** The target refused it (AR): kept for review with the target's ACK. */
  rejectedByTarget(name: string, ack: string): void {
    writeDurably(join(this.rejected, `${name}.ack`), ack);
    renameSync(join(this.queue, name), join(this.rejected, name));
    fsyncPath(this.rejected);
    fsyncPath(this.queue);
    this.pending = this.pending.filter((pending) => pending !== name);
  }
}
