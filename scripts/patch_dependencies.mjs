// Fixes a known postgres.js defect in node_modules, after every install (package.json's postinstall; the
// Dockerfile runs it after its `npm ci --ignore-scripts`). Runs under Node.js or Bun; changes nothing twice.
//
// postgres.js 3.4.9 (the latest) buffers a small write and sends it from a setImmediate. When the connection
// has closed by then (PostgreSQL restarted, the connection reset), things go wrong (upstream issues #1066,
// #1154, #1208; fixes proposed, none released):
//   - the write runs on a socket already set to null: `socket.write` throws a TypeError from the timer, which
//     no caller can catch, and the process exits. A connection held by a transaction (or `reserve()`) meets
//     this on its next query after a reset, and so does the pool once that connection is given back to it;
//   - close() cancels the pending write but leaves its handle set, so later small writes on that connection
//     object are never flushed and their queries wait forever.
// The patch clears the pending write on close; and a write that finds no socket fails the queries waiting
// on that connection and hands it back to the pool as closed, so the pool connects it again.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MARK = "aihub patch";
const PATCHES = [
  {
    what: "a buffered write that finds the socket closed",
    from: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
    to: `  function nextWrite(fn) {
    if (!socket) { // ${MARK}: closed before this write ran: fail what waits, and let the pool connect it again
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      const err = Errors.connection('CONNECTION_CLOSED', options)
      query && queryError(query, err)
      while (sent.length) queryError(sent.shift(), err)
      terminated || connection.queue === queues.connecting || onclose(connection, err)
      return false
    }
    const x = socket.write(chunk, fn)
`,
  },
  {
    what: "terminate() leaving a cancelled write's handle and bytes",
    from: "    clearImmediate(nextWriteTimer)\n    if (socket) {\n",
    to: `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARK}\n    if (socket) {\n`,
  },
  {
    what: "closed() leaving a cancelled write's handle and bytes",
    from: "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
    to: `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARK}\n    socket.removeListener('data', data)\n`,
  },
];

const pkg = join(root, "node_modules", "postgres");
if (!existsSync(pkg)) {
  console.log("patch_dependencies: postgres is not installed; nothing to patch");
  process.exit(0);
}
const version = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version;
// The ES module build (Node.js and Bun), the CommonJS build and the Cloudflare Workers build.
for (const build of ["src", "cjs/src", "cf/src"]) {
  const file = join(pkg, build, "connection.js");
  if (!existsSync(file)) continue;
  let text = readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  for (const patch of PATCHES) {
    if (!text.includes(patch.from)) {
      console.error(`patch_dependencies: postgres ${version} ${build}/connection.js no longer has the code the patch for ${patch.what} expects.`);
      console.error("Check whether this version fixes the defect described in scripts/patch_dependencies.mjs, then update or drop the patch.");
      process.exit(1);
    }
    text = text.replace(patch.from, patch.to);
  }
  writeFileSync(file, text);
  console.log(`patch_dependencies: patched postgres ${version} ${build}/connection.js`);
}
