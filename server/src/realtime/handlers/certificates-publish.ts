// certificates.publish: store a root-signed moderator certificate (moderators and admins).
import type { CertificateService } from '../../domain/certificates.js';
import { defineHandler } from '../handler.js';

export function certificatesPublish(certificates: CertificateService) {
  return defineHandler({
    event: 'certificates.publish',
    roles: ['moderator', 'admin'],
    handle: ({ certificate }, { caller }) => certificates.publish(caller, certificate),
  });
}
