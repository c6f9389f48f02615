/**
 * Run-time entry point of the serialized provider shim: `require("alb-listener-certificates/runtime")`
 * from the engine's provider process returns the one provider instance of that process. Keep this
 * module's surface stable: state files written by every earlier version call it.
 */
import { createDefaultProvider, type ListenerCertificatesProvider } from "./provider";

let instance: ListenerCertificatesProvider | undefined;

/** The process-wide provider (created on first use). */
export function provider(): ListenerCertificatesProvider {
  instance ??= createDefaultProvider();
  return instance;
}

