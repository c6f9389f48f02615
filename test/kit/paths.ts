/** Where the repository is, from the kit's sources (test/kit) and from its build (dist/test/kit) alike. */
import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "alb-listener-certificates";

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json at or above ${from}`);
  }
}

/** The repository root: the first directory at or above this file whose package.json is this package's. */
export const REPO_ROOT = findRepoRoot(__dirname);
