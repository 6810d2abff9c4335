// Reads an SSE response in tests: each `data:` payload with the time it arrived.

/** Collects the data payloads of an SSE response, stamping each with its arrival time (ms). */
export async function readSse(response: Response): Promise<Array<{ data: string; at: number }>> {
  const events: Array<{ data: string; at: number }> = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let index;
    while ((index = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      for (const line of block.split("\n")) if (line.startsWith("data: ")) events.push({ data: line.slice(6), at: performance.now() });
    }
  }
  return events;
}
