// Reads a journal segment's lines a chunk at a time, as bytes: a segment of any size (up to 64 MB) is reconciled
// in a bounded amount of memory, and no single step holds the event loop for long. Lines stay bytes because
// decoding a chunk to text leaves megabytes of string garbage that the collector is slow to reclaim (a 70 MB
// segment decoded chunk by chunk still peaked at +127–147 MB of RSS), and an id sliced from a line's text keeps the
// whole line alive.
import { open } from "node:fs/promises";

const NEWLINE = 0x0a;
/** The bytes read per step: about 2,000 records, split in well under a millisecond. */
export const SEGMENT_CHUNK_BYTES = 1024 * 1024;

/**
 * The lines of the file at `path`, in order, as views of each chunk of `chunkBytes` that are valid only until
 * the next step (decode or copy what must outlive it). A line is split at newline bytes, so never inside a UTF-8
 * character; a last line without its newline (a torn write) comes last; a trailing newline gives no empty line.
 */
export async function* segmentLines(path: string, chunkBytes = SEGMENT_CHUNK_BYTES): AsyncGenerator<Buffer[]> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    // The start of a line an earlier chunk ended inside (a copy: the buffer is read into again).
    let carry: Buffer | null = null;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      let bytes = buffer.subarray(0, bytesRead);
      const last = bytes.lastIndexOf(NEWLINE);
      if (last === -1) {
        carry = carry ? Buffer.concat([carry, bytes]) : Buffer.from(bytes);
        continue;
      }
      const rest = last + 1 < bytesRead ? Buffer.from(bytes.subarray(last + 1)) : null;
      if (carry) bytes = Buffer.concat([carry, bytes.subarray(0, last + 1)]);
      carry = rest;
      const lines: Buffer[] = [];
      for (let start = 0, end = bytes.indexOf(NEWLINE); end !== -1; start = end + 1, end = bytes.indexOf(NEWLINE, start)) lines.push(bytes.subarray(start, end));
      yield lines;
    }
    if (carry) yield [carry];
  } finally {
    await handle.close();
  }
}
