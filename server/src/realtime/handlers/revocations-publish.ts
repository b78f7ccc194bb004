// revocations.publish: store a newer root-signed revocation list (admins only).
import type { CertificateService } from '../../domain/certificates.js';
import { defineHandler } from '../handler.js';

export function revocationsPublish(certificates: CertificateService) {
  return defineHandler({
    event: 'revocations.publish',
    roles: ['admin'],
    handle: ({ revocationList }) => certificates.publishRevocations(revocationList),
  });
}
