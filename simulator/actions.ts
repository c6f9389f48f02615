/** The ALB (2020-06-16) actions the simulator serves, spelled exactly as the API spells them. */
export const ALB_ACTIONS = [
  "AssociateAdditionalCertificatesWithListener",
  "DissociateAdditionalCertificatesFromListener",
  "ListListenerCertificates",
  "GetListenerAttribute",
  "ListListeners",
  "ListAsynJobs",
] as const;

/** One of {@link ALB_ACTIONS}. */
export type AlbAction = (typeof ALB_ACTIONS)[number];

/** The two actions that start a job and change the world; also the jobs' `ApiName`. */
export type MutationAction = Extract<AlbAction, "AssociateAdditionalCertificatesWithListener" | "DissociateAdditionalCertificatesFromListener">;

/** The actions that start a job and change the world. */
export const MUTATING_ACTIONS: ReadonlySet<string> = new Set<MutationAction>([
  "AssociateAdditionalCertificatesWithListener",
  "DissociateAdditionalCertificatesFromListener",
]);

/** The API version the simulator implements; anything else is `InvalidVersion`. */
export const API_VERSION = "2020-06-16";

/** Narrows a wire action name to a served action. */
export function isAlbAction(action: string): action is AlbAction {
  return (ALB_ACTIONS as readonly string[]).includes(action);
}
