/**
 * A file holding the simulator's TLS certificate, for `NODE_EXTRA_CA_CERTS`: Node reads that variable once at
 * start-up, so the test workers (see vitest.config.ts) and the pulumi CLI of the end-to-end tests get it in
 * their environment, and then trust the simulator's HTTPS (the credentials library calls STS over HTTPS only).
 * A CA file already named by the caller's `NODE_EXTRA_CA_CERTS` is kept: its certificates come first.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SIMULATOR_TLS_CERTIFICATE } from "../../simulator/tls";

/** The path of a PEM file trusting the simulator (and whatever `NODE_EXTRA_CA_CERTS` already named). */
export function simulatorCaFile(existing: string | undefined = process.env.NODE_EXTRA_CA_CERTS): string {
  let inherited = "";
  if (existing) {
    try {
      inherited = fs.readFileSync(existing, "utf8");
    } catch {
      inherited = "";
    }
  }
  const content = inherited.includes(SIMULATOR_TLS_CERTIFICATE) ? inherited : `${inherited}${inherited && !inherited.endsWith("\n") ? "\n" : ""}${SIMULATOR_TLS_CERTIFICATE}`;
  const file = path.join(os.tmpdir(), `alb-listener-certificates-ca-${createHash("sha256").update(content).digest("hex").slice(0, 16)}.pem`);
  if (!fs.existsSync(file)) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, content);
    fs.renameSync(temporary, file);
  }
  return file;
}
