// devices.remove: publish the next identity-signed device list without one device; its sessions,
// prekeys and undelivered envelopes end at once.
import type { DeviceService } from '../../domain/devices.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function devicesRemove(devices: DeviceService) {
  return defineHandler({
    event: 'devices.remove',
    roles: EVERY_ROLE,
    handle: ({ deviceId, list }, { caller }) => devices.remove(caller, deviceId, list),
  });
}
