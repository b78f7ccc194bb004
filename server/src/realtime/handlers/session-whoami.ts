// session.whoami: the caller's own account and session, as the server sees them.
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function sessionWhoAmI() {
  return defineHandler({
    event: 'session.whoami',
    roles: EVERY_ROLE,
    handle: (_payload, { caller }) =>
      Promise.resolve({
        accountId: caller.accountId,
        handle: caller.handle,
        role: caller.role,
        deviceId: caller.deviceId,
        sessionExpiresAt: caller.sessionExpiresAt,
      }),
  });
}
