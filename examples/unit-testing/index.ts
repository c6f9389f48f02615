// SNI certificates per listener, from the typed catalogue. Unit tests: index.test.ts (`npm test`).
import { CERTIFICATES, LISTENERS } from "./catalogue";
import { certificateIdsByListener, declareSni } from "./sni";

export const certificates = certificateIdsByListener(declareSni(LISTENERS, CERTIFICATES));
