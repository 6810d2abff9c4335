// The baseline: a bare Bun fetch proxy that forwards /v1/chat/completions to the upstream and pipes the body back.
const upstream = process.argv[2]!;
const server = Bun.serve({
  port: Number(process.argv[3] ?? 0),
  hostname: "127.0.0.1",
  idleTimeout: 0,
  async fetch(request) {
    const response = await fetch(`${upstream}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: await request.text(),
      signal: request.signal,
    });
    return new Response(response.body, { status: response.status, headers: { "content-type": response.headers.get("content-type") ?? "application/json" } });
  },
});
console.log(`http://127.0.0.1:${server.port}`);
