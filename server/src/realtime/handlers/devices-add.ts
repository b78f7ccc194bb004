// devices.add: publish the next identity-signed device list, the current one plus one reserved
// device.
import type { DeviceService } from '../../domain/devices.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function devicesAdd(devices: DeviceService) {
  return defineHandler({
    event: 'devices.add',
    roles: EVERY_ROLE,
    handle: ({ list }, { caller }) => devices.add(caller, list),
  });
}
