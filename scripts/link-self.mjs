// Makes this package resolvable by its own name from every program inside the repository (the
// examples, the root Pulumi program, the end-to-end test programs): it writes
// node_modules/alb-listener-certificates/ with a copy of package.json and a `dist` link to the
// build. Real projects get the same layout from `npm install alb-listener-certificates`.
// Run by `npm run build`. It also makes the package's commands executable in dist/.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const target = path.join(root, "node_modules", manifest.name);

fs.rmSync(target, { recursive: true, force: true });
fs.mkdirSync(target, { recursive: true });
const { name, version, main, types, exports } = manifest;
fs.writeFileSync(
  path.join(target, "package.json"),
  JSON.stringify({ name, version, main, types, exports, description: "Link to the repository's own build (scripts/link-self.mjs)." }, null, 2) + "\n",
);
fs.symlinkSync(path.join(root, "dist"), path.join(target, "dist"), "dir");

// The compiler writes files without the execute bit, so the package's commands (`npx alb-simulator`,
// `npx alb-preview-report`) would be refused inside the repository after every build: set it on them.
for (const file of Object.values(manifest.bin ?? {})) {
  const full = path.join(root, file);
  if (fs.existsSync(full)) fs.chmodSync(full, 0o755);
}
