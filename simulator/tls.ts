/**
 * HTTPS on the simulator's one port. The official credentials library (`@alicloud/credentials`) always
 * calls STS over `https://<stsEndpoint>/` (see `docs/credentials.md`), so the simulator must speak TLS to
 * serve AssumeRole and AssumeRoleWithOIDC to it. Rather than a second port, every connection is sniffed:
 * a first byte of 0x16 (a TLS handshake record) goes through TLS with the certificate below, anything else
 * is plain HTTP as before. Both end in the same request handler.
 *
 * The certificate is a self-signed test certificate for `127.0.0.1`, `::1` and `localhost`, valid until
 * 2126. Its private key is NOT a secret: like the demo access key, it only opens local simulators. A
 * client trusts it through `NODE_EXTRA_CA_CERTS=<file holding SIMULATOR_TLS_CERTIFICATE>` (read by Node
 * at start-up; the test configuration and the end-to-end helpers set it).
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import { createSecureContext, TLSSocket } from "node:tls";

/** The simulator's certificate (PEM). Trust it to call the simulator over HTTPS. */
export const SIMULATOR_TLS_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIB+TCCAZ+gAwIBAgIUIXFujNDJ9hL68bU6jer+TpHMcm0wCgYIKoZIzj0EAwIw
MTEvMC0GA1UEAwwmYWxiLXNpbXVsYXRvciAobG9jYWwgdGVzdCBjZXJ0aWZpY2F0
ZSkwIBcNMjYxMTI4MDYwNzQ0WhgPMjEyNjExMDQwNjA3NDRaMDExLzAtBgNVBAMM
JmFsYi1zaW11bGF0b3IgKGxvY2FsIHRlc3QgY2VydGlmaWNhdGUpMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAE2Ro5Xq7fiDE0tNi4IY10udzBRVK/TApNwRoPbPQg
lija28BencsKyKtq1pxGfp+YtXOm8v7QxezhTga0oSZwfaOBkjCBjzAdBgNVHQ4E
FgQU3qkzrAFheQSziZ8viHB/kvBIC8MwHwYDVR0jBBgwFoAU3qkzrAFheQSziZ8v
iHB/kvBIC8MwLAYDVR0RBCUwI4cEfwAAAYcQAAAAAAAAAAAAAAAAAAAAAYIJbG9j
YWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgKEMAoGCCqGSM49
BAMCA0gAMEUCIQCMKeM4aWE3x+lhz3l9ph8Gf5v3Y2+K7IHTbeNArgv5HwIgHOW/
/uaNDsR2Sb7L/eVP0uz5ijkO8DVyaPMLyZeXquo=
-----END CERTIFICATE-----
`;

/** The private key of {@link SIMULATOR_TLS_CERTIFICATE}: test material, not a secret. */
const SIMULATOR_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgdlFl/YkLjIke/J3T
Rr/MG24s3BTtLfyprd7lDPF2r9WhRANCAATZGjlert+IMTS02LghjXS53MFFUr9M
Ck3BGg9s9CCWKNrbwF6dywrIq2rWnEZ+n5i1c6by/tDF7OFOBrShJnB9
-----END PRIVATE KEY-----
`;

/** First byte of a TLS record carrying a handshake (every TLS connection starts with one). */
const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * Makes `server` (a plain `http.Server`, not yet listening) also accept TLS connections on the same port.
 * The server's own connection handling is kept for plain connections; TLS connections are decrypted first
 * and then handed to the same handling.
 */
export function acceptTlsOnSamePort(server: Server): void {
  const secureContext = createSecureContext({ cert: SIMULATOR_TLS_CERTIFICATE, key: SIMULATOR_TLS_KEY });
  const handlers = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  const handOver = (socket: Socket): void => {
    for (const handler of handlers) handler.call(server, socket);
  };
  server.on("connection", (socket: Socket) => {
    socket.on("error", () => socket.destroy());
    socket.once("data", (first: Buffer) => {
      socket.pause();
      if (first[0] !== TLS_HANDSHAKE_RECORD) {
        socket.unshift(first);
        handOver(socket);
        socket.resume();
        return;
      }
      // A socket whose first bytes were already read cannot be handed to TLSSocket directly (it would read
      // from the handle and miss them), so TLS runs over a stream that replays them and then the rest.
      const secure = new TLSSocket(replaying(socket, first), { isServer: true, secureContext });
      secure.on("error", () => secure.destroy());
      secure.once("secure", () => handOver(secure as unknown as Socket));
    });
  });
}

/** A duplex over `socket` whose readable side starts with `first`. */
function replaying(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  stream.push(first);
  socket.on("data", (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on("end", () => stream.push(null));
  socket.on("close", () => stream.destroy());
  return stream;
}
