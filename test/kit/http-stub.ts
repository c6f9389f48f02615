/** Small pieces of the tests' scripted HTTP endpoints (a local stand-in for an API that answers as told). */
import type { IncomingMessage } from "node:http";

/** A request's whole body, as UTF-8 text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
