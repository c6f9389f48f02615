/**
 * The one error type the simulator answers with, built from the API contract's error catalogue
 * (`ERROR_CODES` in `contract/alb-contract.ts`): the wire `Code`, its HTTP status and its `Message`,
 * rendered from the catalogue's template with the values the call site gives. The backend, the server and
 * the STS service throw these; only the server (and the STS service) turn them into the JSON envelope, so
 * no error body is ever built by hand, and no code, status or message text is spelled outside the catalogue.
 *
 * Where the sources of a code, status or message are silent, the choice is stated on the catalogue entry
 * (see also `simulator/README.md`).
 */

import {
  ERROR_CODES,
  ErrorCode,
  MISSING_PARAMETER,
  missingParameterCode,
  renderErrorMessage,
  SIMULATOR_ERROR_CODES,
  SimulatorErrorCode,
  type KnownErrorCode,
  type SimulatorOnlyErrorCode,
  type TemplatePlaceholders,
} from "../contract/alb-contract";

/** An error the simulator answers with: an error envelope on the wire. Build one with {@link albError}. */
export class AlbErrorResponse extends Error {
  override readonly name = "AlbErrorResponse" as const;
  /** The values the message was rendered with, as text, by placeholder name (e.g. `field` and `reason`). */
  readonly params: Readonly<Record<string, string>>;

  /**
   * @param code the wire `Code`, exactly as Alibaba spells it.
   * @param httpStatus the HTTP status sent with the envelope.
   * @param messageTemplate the catalogue's template of the wire `Message`.
   * @param params the values of the template's placeholders (also kept as {@link params}).
   * @throws TypeError when `params` lacks a placeholder's value.
   */
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    messageTemplate: string,
    params: Readonly<Record<string, string | number>> = {},
  ) {
    super(renderErrorMessage(messageTemplate, params));
    this.params = Object.freeze(Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)])));
  }
}

/** The catalogue entries the simulator answers with: the contract's codes and its own. */
const SPECS = Object.freeze({ ...ERROR_CODES, ...SIMULATOR_ERROR_CODES });

/** A code the simulator can answer with (one whose catalogue entry has a message template). */
export type SimulatorErrorCodeName = {
  [C in KnownErrorCode | SimulatorOnlyErrorCode]: (typeof SPECS)[C] extends { readonly messageTemplate: string } ? C : never;
}[KnownErrorCode | SimulatorOnlyErrorCode];

/** The message template of a code, as a literal type. */
type TemplateOf<C extends SimulatorErrorCodeName> = (typeof SPECS)[C] extends { readonly messageTemplate: infer T extends string } ? T : never;

/** The values a code's message needs, by placeholder name. */
export type ErrorParams<C extends SimulatorErrorCodeName> = Readonly<Record<TemplatePlaceholders<TemplateOf<C>>, string | number>>;

/** The arguments after the code: the values of its message's placeholders, or nothing when it has none. */
type ParamsArgument<C extends SimulatorErrorCodeName> = [TemplatePlaceholders<TemplateOf<C>>] extends [never] ? [] : [params: ErrorParams<C>];

/**
 * The error the simulator answers with for `code`: the catalogue's HTTP status, and its message template
 * rendered with `params` (one value per placeholder, checked by the type of `code`).
 *
 * @example albError(ErrorCode.incorrectStatusListener, { listenerId, status: "Stopped" })
 */
export function albError<C extends SimulatorErrorCodeName>(code: C, ...[params]: ParamsArgument<C>): AlbErrorResponse {
  const spec: { readonly httpStatus: number; readonly messageTemplate: string } = SPECS[code];
  return new AlbErrorResponse(code, spec.httpStatus, spec.messageTemplate, params ?? {});
}

/** Whether `error` is an {@link AlbErrorResponse} with this code; its `params` then hold the code's placeholders. */
export function isAlbError<C extends SimulatorErrorCodeName>(
  error: unknown,
  code: C,
): error is AlbErrorResponse & { readonly code: C; readonly params: Readonly<Record<TemplatePlaceholders<TemplateOf<C>>, string>> } {
  return error instanceof AlbErrorResponse && error.code === code;
}

// ------------------------------------------------------------------------------------------ named factories
// For the errors raised in many places, so that a call site reads as what went wrong.

/**
 * 400 `Missing<Name>` (e.g. `MissingListenerId`): a required parameter is absent or empty. The message
 * names the exact wire key (`Certificates.2.CertificateId is mandatory for this action.`).
 *
 * @param parameter the wire key (or header) that is missing, named in the message.
 * @param codeName the name in the code. @default the first dotted segment of `parameter`
 */
export function missingParameter(parameter: string, codeName: string = parameter.split(".")[0] ?? parameter): AlbErrorResponse {
  return new AlbErrorResponse(missingParameterCode(codeName), MISSING_PARAMETER.httpStatus, MISSING_PARAMETER.messageTemplate, { parameter });
}

/** 400 InvalidParameter: a malformed value, an out-of-range number or an oversized list. */
export function invalidParameter(parameter: string, reason: string): AlbErrorResponse {
  return albError(ErrorCode.invalidParameter, { parameter, reason });
}

/** 400 InvalidFixture: a fixture (reset body, fixture file) fails validation; the message names the field. */
export function invalidFixture(field: string, reason: string): AlbErrorResponse {
  return albError(SimulatorErrorCode.invalidFixture, { field, reason });
}

/** 400 InvalidFaultRule: a fault rule fails validation; the message names the field. */
export function invalidFaultRule(field: string, reason: string): AlbErrorResponse {
  return albError(SimulatorErrorCode.invalidFaultRule, { field, reason });
}

/** 400 InvalidBehaviour: a behaviour (option, request body, CLI entry) fails validation; the message names the field. */
export function invalidBehaviour(field: string, reason: string): AlbErrorResponse {
  return albError(SimulatorErrorCode.invalidBehaviour, { field, reason });
}

/** 500 InternalError: an injected fault, or a simulator bug (never a stack trace on the wire). */
export function internalError(): AlbErrorResponse {
  return albError(ErrorCode.internalError);
}
