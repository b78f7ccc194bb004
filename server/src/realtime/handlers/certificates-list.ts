// certificates.list: every current moderator certificate and the latest revocation list.
import type { CertificateService } from '../../domain/certificates.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function certificatesList(certificates: CertificateService) {
  return defineHandler({
    event: 'certificates.list',
    roles: EVERY_ROLE,
    handle: () => certificates.list(),
  });
}
