// Sends raw bytes to a listening hub over TCP and reads the answer: for requests fetch() refuses to send.
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `bytes` to host:port, reads until the server closes (or `timeoutMs`), and splits status, headers and body. */
export async function rawRequest(port: number, bytes: string | Uint8Array, timeoutMs = 5_000): Promise<RawAnswer> {
  const text = await new Promise<string>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString("latin1"));
    const timer = setTimeout(() => (socket.destroy(), done()), timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("close", () => (clearTimeout(timer), done()));
    socket.on("error", () => {});
    socket.write(bytes);
  });
  const split = text.indexOf("\r\n\r\n");
  const head = split === -1 ? text : text.slice(0, split);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1] ?? 0), headers, body: split === -1 ? "" : text.slice(split + 4) };
}
