/**
 * The simulator's STS actions over the wire, spelled literally (codes, statuses, action names): AssumeRole
 * through both official clients, AssumeRoleWithOIDC as the credentials library sends it (unsigned), the
 * temporary keys on the ALB actions (only with their SecurityToken, only before they expire), HTTPS on the
 * same port, and the `sts` fixture section.
 */
import { request as httpsRequest } from "node:https";
import { describe, expect, it } from "vitest";
import { resolveFixture, SIMULATOR_TLS_CERTIFICATE, unsignedJwt } from "../../simulator";
import { call, CLIENT_NAMES, createClients, useSimulators, type Outcome } from "../kit/simulator-clients";
import { VirtualClock } from "../kit/clock";
import { rawRequest, type RawResponse } from "../kit/simulator-wire";

const ROLE = "acs:ram::1234567890123456:role/alb-listener-certificates";
const PROVIDER = "acs:ram::1234567890123456:oidc-provider/github-actions";
const ISSUER = "https://token.actions.githubusercontent.com";
const SHARED_TOKEN = "simulator-demo-oidc-token";

/** AssumeRoleWithOIDC exactly as `@alicloud/credentials` sends it: common parameters in the query, unsigned form body. */
function assumeRoleWithOidc(endpoint: string, body: Record<string, string>): Promise<RawResponse> {
  const query = new URLSearchParams({ Version: "2015-04-01", Action: "AssumeRoleWithOIDC", Format: "JSON", Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
  return rawRequest(endpoint, { method: "POST", path: `/?${query.toString()}`, headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(body).toString() });
}

function credentialsOf(outcome: Outcome): { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string; Expiration: string } {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.code}`);
  return outcome.body.Credentials as never;
}

describe.each(CLIENT_NAMES)("STS AssumeRole and temporary keys through %s", (client) => {
  const start = useSimulators();
  const stsClients = (endpoint: string) => createClients(endpoint, { apiVersion: "2015-04-01" });

  it("issues temporary credentials for a fixture role, expiring DurationSeconds later on the simulator's clock", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 28, 8, 0, 0, 250));
    const { simulator } = await start({ clock, timestampSkewMs: Number.MAX_SAFE_INTEGER });
    const outcome = await call(stsClients(simulator.endpoint), client, "AssumeRole", { RoleArn: ROLE, RoleSessionName: "deploy-1", DurationSeconds: 900 }, "2015-04-01");
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    const credentials = credentialsOf(outcome);
    expect(credentials.AccessKeyId).toMatch(/^STS\.[A-Za-z0-9_-]{24}$/);
    expect(credentials.SecurityToken).toMatch(/^CAIS/);
    expect(credentials.Expiration).toBe("2026-11-28T08:15:00Z");
    expect(outcome.ok && outcome.body.AssumedRoleUser).toMatchObject({ Arn: "acs:ram::1234567890123456:assumed-role/alb-listener-certificates/deploy-1" });
    expect(simulator.sts.issued()).toEqual([
      { action: "AssumeRole", accessKeyId: credentials.AccessKeyId, roleArn: ROLE, roleSessionName: "deploy-1", issuedAt: clock.now(), expiresAt: Date.UTC(2026, 10, 28, 8, 15, 0), uses: 0 },
    ]);
    const logged = simulator.backend.requestLog().at(-1)!;
    expect(logged).toMatchObject({ action: "AssumeRole", status: 200, code: null, params: { RoleArn: ROLE, RoleSessionName: "deploy-1", DurationSeconds: "900" } });
    expect(JSON.stringify(simulator.backend.requestLog())).not.toContain(credentials.AccessKeySecret);
  });

  it("lets the ALB actions accept a temporary key only with its token and only before it expires", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 28, 8, 0, 0));
    const { simulator } = await start({ clock, timestampSkewMs: Number.MAX_SAFE_INTEGER });
    const issued = credentialsOf(await call(stsClients(simulator.endpoint), client, "AssumeRole", { RoleArn: ROLE, RoleSessionName: "s1" }, "2015-04-01"));
    const withToken = createClients(simulator.endpoint, { accessKeyId: issued.AccessKeyId, accessKeySecret: issued.AccessKeySecret, securityToken: issued.SecurityToken });
    const without = createClients(simulator.endpoint, { accessKeyId: issued.AccessKeyId, accessKeySecret: issued.AccessKeySecret });
    const wrong = createClients(simulator.endpoint, { accessKeyId: issued.AccessKeyId, accessKeySecret: issued.AccessKeySecret, securityToken: `${issued.SecurityToken}x` });
    const malformed = createClients(simulator.endpoint, { accessKeyId: issued.AccessKeyId, accessKeySecret: issued.AccessKeySecret, securityToken: "not-a-token" });
    expect(await call(withToken, client, "ListListeners")).toMatchObject({ ok: true, status: 200 });
    expect(await call(without, client, "ListListeners")).toMatchObject({ ok: false, status: 400, code: "MissingSecurityToken", message: "SecurityToken is mandatory for this action." });
    expect(await call(wrong, client, "ListListeners")).toMatchObject({ ok: false, status: 400, code: "InvalidSecurityToken.MismatchWithAccessKey", message: "Specified SecurityToken mismatch with the AccessKey." });
    expect(await call(malformed, client, "ListListeners")).toMatchObject({ ok: false, status: 400, code: "InvalidSecurityToken.Malformed", message: "Specified SecurityToken is malformed." });
    clock.advance(3600 * 1000 - 1);
    expect(await call(withToken, client, "ListListeners")).toMatchObject({ ok: true, status: 200 });
    clock.advance(1);
    expect(await call(withToken, client, "ListListeners")).toMatchObject({ ok: false, status: 400, code: "InvalidSecurityToken.Expired", message: "Specified SecurityToken is expired." });
    expect(simulator.sts.issued()[0]?.uses).toBe(2);
  });

  it("refuses AssumeRole with a wrong secret, an unknown role, a bad duration or session name", async () => {
    const { simulator } = await start();
    const sts = stsClients(simulator.endpoint);
    const wrongSecret = createClients(simulator.endpoint, { apiVersion: "2015-04-01", accessKeySecret: "not-the-secret" });
    expect(await call(wrongSecret, client, "AssumeRole", { RoleArn: ROLE, RoleSessionName: "s1" }, "2015-04-01")).toMatchObject({ ok: false, status: 400, code: "SignatureDoesNotMatch" });
    expect(await call(sts, client, "AssumeRole", { RoleArn: "acs:ram::1:role/nope", RoleSessionName: "s1" }, "2015-04-01")).toMatchObject({ ok: false, status: 404, code: "EntityNotExist.Role", message: "The role not exists: acs:ram::1:role/nope." });
    expect(await call(sts, client, "AssumeRole", { RoleArn: ROLE, RoleSessionName: "s1", DurationSeconds: 600 }, "2015-04-01")).toMatchObject({ ok: false, status: 400, code: "InvalidParameter.DurationSeconds" });
    expect(await call(sts, client, "AssumeRole", { RoleArn: ROLE, RoleSessionName: "s1", DurationSeconds: 7200 }, "2015-04-01")).toMatchObject({ ok: false, status: 400, code: "InvalidParameter.DurationSeconds" });
    expect(await call(sts, client, "AssumeRole", { RoleArn: ROLE, RoleSessionName: "a b" }, "2015-04-01")).toMatchObject({ ok: false, status: 400, code: "InvalidParameter.RoleSessionName" });
    expect(await call(sts, client, "AssumeRole", { RoleSessionName: "s1" }, "2015-04-01")).toMatchObject({ ok: false, status: 400, code: "MissingRoleArn" });
    expect(await call(sts, client, "AssumeRole", { RoleArn: ROLE, RoleSessionName: "s1", Policy: "allow" }, "2015-04-01")).toMatchObject({ ok: false, status: 400, code: "InvalidParameter.PolicyGrammar" });
    expect(simulator.sts.issued()).toEqual([]);
  });
});

describe("STS AssumeRoleWithOIDC (unsigned, as the credentials library sends it)", () => {
  const start = useSimulators();

  it("accepts a shared token and an unexpired JWT of the provider's issuer and audience, and logs no token", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 28, 8, 0, 0));
    const { simulator } = await start({ clock });
    const shared = await assumeRoleWithOidc(simulator.endpoint, { OIDCProviderArn: PROVIDER, RoleArn: ROLE, OIDCToken: SHARED_TOKEN, RoleSessionName: "gha", DurationSeconds: "3600" });
    expect(shared.status).toBe(200);
    expect(shared.json?.Credentials).toMatchObject({ Expiration: "2026-11-28T09:00:00Z" });
    const nowSeconds = clock.now() / 1000;
    const jwt = unsignedJwt({ iss: ISSUER, aud: "sts.aliyuncs.com", sub: "repo:acme/infra:pull_request", exp: nowSeconds + 300, iat: nowSeconds });
    const viaJwt = await assumeRoleWithOidc(simulator.endpoint, { OIDCProviderArn: PROVIDER, RoleArn: ROLE, OIDCToken: jwt, RoleSessionName: "gha" });
    expect(viaJwt.status).toBe(200);
    expect(viaJwt.json?.OIDCTokenInfo).toEqual({ Issuer: ISSUER, Subject: "repo:acme/infra:pull_request", ClientIds: "sts.aliyuncs.com", IssuanceTime: "2026-11-28T08:00:00Z", ExpirationTime: "2026-11-28T08:05:00Z" });
    expect(simulator.sts.issued().map((s) => s.action)).toEqual(["AssumeRoleWithOIDC", "AssumeRoleWithOIDC"]);
    const log = JSON.stringify(simulator.backend.requestLog());
    expect(log).not.toContain(SHARED_TOKEN);
    expect(log).not.toContain(jwt.split(".")[1]);
    expect(simulator.backend.requestLog().map((e) => [e.action, e.status, Object.keys(e.params).sort()])).toEqual([
      ["AssumeRoleWithOIDC", 200, ["DurationSeconds", "OIDCProviderArn", "RoleArn", "RoleSessionName"]],
      ["AssumeRoleWithOIDC", 200, ["OIDCProviderArn", "RoleArn", "RoleSessionName"]],
    ]);
  });

  it("refuses an unknown provider, an expired, foreign or malformed token, and an empty one", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 28, 8, 0, 0));
    const { simulator } = await start({ clock });
    const now = clock.now() / 1000;
    const jwt = (claims: Partial<Parameters<typeof unsignedJwt>[0]>) => unsignedJwt({ iss: ISSUER, aud: "sts.aliyuncs.com", sub: "s", exp: now + 60, ...claims });
    const answer = async (body: Record<string, string>) => {
      const r = await assumeRoleWithOidc(simulator.endpoint, { OIDCProviderArn: PROVIDER, RoleArn: ROLE, RoleSessionName: "gha", ...body });
      return [r.status, r.json?.Code, r.json?.Message];
    };
    expect(await answer({ OIDCProviderArn: "acs:ram::1:oidc-provider/none", OIDCToken: SHARED_TOKEN })).toEqual([401, "AuthenticationFail.NoPermission", "No such OIDC Provider registered."]);
    expect(await answer({ OIDCToken: jwt({ exp: now }) })).toEqual([401, "AuthenticationFail.OIDCToken.Expired", "This JsonWebToken is expired."]);
    expect(await answer({ OIDCToken: jwt({ aud: "someone-else" }) })).toEqual([401, "AuthenticationFail.OIDCToken.AudienceNotMatch", "Invalid audience."]);
    expect(await answer({ OIDCToken: jwt({ iss: "https://evil.example" }) })).toEqual([401, "AuthenticationFail.OIDCToken.Invalid", "The issuer https://evil.example does not match the OIDC provider's issuer."]);
    expect(await answer({ OIDCToken: "not-a-jwt" })).toEqual([401, "AuthenticationFail.OIDCToken.Invalid", "The number of Jwt field should be divided into 3 parts with '.' ."]);
    expect(await answer({ OIDCToken: "" })).toEqual([401, "AuthenticationFail.OIDCToken.Invalid", "The OIDCToken can not empty."]);
    expect(await answer({ OIDCToken: SHARED_TOKEN, RoleArn: "acs:ram::1:role/nope" })).toEqual([404, "EntityNotExist.Role", "The role not exists: acs:ram::1:role/nope."]);
    expect(simulator.sts.issued()).toEqual([]);
  });

  it("issues credentials that live credentialLifetimeSeconds when the fixture sets it", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 28, 8, 0, 0));
    const { simulator } = await start({ clock, sts: { credentialLifetimeSeconds: 300 } });
    const r = await assumeRoleWithOidc(simulator.endpoint, { OIDCProviderArn: PROVIDER, RoleArn: ROLE, OIDCToken: SHARED_TOKEN, RoleSessionName: "gha", DurationSeconds: "3600" });
    expect(r.json?.Credentials).toMatchObject({ Expiration: "2026-11-28T08:05:00Z" });
  });
});

describe("HTTPS on the simulator's port", () => {
  const start = useSimulators();

  it("answers TLS (with its own certificate) and plain HTTP on the same port", async () => {
    const { simulator } = await start();
    const port = new URL(simulator.endpoint).port;
    const body = new URLSearchParams({ OIDCProviderArn: PROVIDER, RoleArn: ROLE, OIDCToken: SHARED_TOKEN, RoleSessionName: "tls" }).toString();
    const secure = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpsRequest(
        { host: "127.0.0.1", port, method: "POST", path: "/?Action=AssumeRoleWithOIDC&Version=2015-04-01&Format=JSON", ca: SIMULATOR_TLS_CERTIFICATE, headers: { "content-type": "application/x-www-form-urlencoded" } },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(secure.status).toBe(200);
    expect(JSON.parse(secure.text)).toHaveProperty("Credentials.AccessKeyId");
    expect((await rawRequest(simulator.endpoint, { path: "/_simulator/state" })).status).toBe(200);
  });
});

describe("the sts fixture section", () => {
  it.each([
    [{ sts: { roles: [{ roleArn: "" }] } }, "Invalid fixture: sts.roles[0].roleArn must be a non-empty string."],
    [{ sts: { roles: [{ roleArn: ROLE, maxSessionDurationSeconds: 60 }] } }, "Invalid fixture: sts.roles[0].maxSessionDurationSeconds must be an integer from 3600 to 43200."],
    [{ sts: { oidcProviders: [{ oidcProviderArn: PROVIDER, issuer: ISSUER, clientIds: [] }] } }, "Invalid fixture: sts.oidcProviders[0].clientIds must hold at least one client ID."],
    [{ sts: { credentialLifetimeSeconds: 0 } }, "Invalid fixture: sts.credentialLifetimeSeconds must be an integer from 1 to 43200."],
    [{ sts: { role: [] } }, "Invalid fixture: sts.role is not a known field (known: roles, oidcProviders, credentialLifetimeSeconds)."],
  ])("rejects %j", (fixture, message) => {
    expect(() => resolveFixture(fixture)).toThrow(message);
  });
});
