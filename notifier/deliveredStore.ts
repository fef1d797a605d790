import fs from 'node:fs';
import path from 'node:path';

/**
 * What the notifier has already delivered, by event id (and by message part, for a reminder
 * sent as two robot messages), persisted as an append-only file so that a restart — or Kafka
 * redelivering uncommitted messages — never sends a reminder twice. Each entry is flushed to
 * disk (fdatasync) before the offset is committed.
 *
 * The one window left: a crash after the robot accepted a message and before its line is on
 * disk resends that one message (robots have no idempotency key).
 */
export class DeliveredStore {
  private constructor(
    private readonly fd: number,
    private readonly seen: Map<string, string>,
    readonly file: string,
  ) {}

  static open(file: string): DeliveredStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const seen = new Map<string, string>();
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const [key, status] = line.split('\t');
        if (key && status) seen.set(key, status);
      }
    }
    return new DeliveredStore(fs.openSync(file, 'a'), seen, file);
  }

  /** `sent`, `dlq`, or undefined when never handled. */
  status(key: string): string | undefined {
    return this.seen.get(key);
  }

  record(key: string, status: 'sent' | 'dlq'): void {
    fs.writeSync(this.fd, `${key}\t${status}\t${new Date().toISOString()}\n`);
    fs.fdatasyncSync(this.fd);
    this.seen.set(key, status);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
