/**
 * What the credentials tests share: an injected environment (variables, stack config, files, home
 * directory), the constants they name, and catching a synchronous throw.
 */
import type { Environment } from "../../provider/credentials/credentials";

export const HOME = "/home/u";
export const CLI_FILE = "/home/u/.aliyun/config.json";
export const INI_FILE = "/home/u/.alibabacloud/credentials";
export const ROLE = "acs:ram::1234567890123456:role/deployer";
export const OIDC_PROVIDER = "acs:ram::1234567890123456:oidc-provider/github";

/** An environment with these variables, stack config and files, at {@link HOME}. */
export function source(env: Record<string, string> = {}, config: Record<string, string> = {}, files: Record<string, string> = {}): Environment {
  return { env, config: { get: (k) => config[k] }, readFile: (f) => files[f], homeDir: HOME };
}

/** The error `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}
