/**
 * Run-time entry point of the serialized provider shim: `require("alb-listener-certificates/runtime")`
 * from the engine's provider process returns the one provider instance of that process. Keep this
 * module's surface stable: state files written by every earlier version call it.
 */
import { AlbProviderError } from "./base/errors";
import { createDefaultProvider, type ListenerCertificatesProvider } from "./lifecycle/provider";

let instance: ListenerCertificatesProvider | undefined;

/** The process-wide provider (created on first use). */
export function provider(): ListenerCertificatesProvider {
  instance ??= quietOwnErrors(createDefaultProvider(), console);
  return instance;
}

/**
 * The dynamic-provider host of @pulumi/pulumi prints every error a method throws on stderr as
 * `${error}: ${error.stack}` before it hands the error to the engine, which shows that print on the stack
 * besides the resource's own `error:` line: the message twice, glued by ".:", and a stack trace. For the
 * provider's own errors (AlbProviderError), whose message is the whole story and which the engine already
 * shows, that one print is dropped; anything else (a bug) keeps its stack trace. `target`'s methods are
 * wrapped; `output.error` is replaced by a filter that drops exactly the prints of errors the wrapped methods
 * threw, each once.
 */
export function quietOwnErrors<T extends object>(target: T, output: { error: (...args: unknown[]) => void }): T {
  const expected = new Set<string>();
  const error = output.error.bind(output);
  output.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && expected.delete(args[0])) return;
    error(...args);
  };
  return new Proxy(target, {
    get(object, key, receiver) {
      const value: unknown = Reflect.get(object, key, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => unknown).apply(object, args);
        } catch (thrown) {
          if (thrown instanceof AlbProviderError) expected.add(`${String(thrown)}: ${thrown.stack}`);
          throw thrown;
        }
      };
    },
  });
}
