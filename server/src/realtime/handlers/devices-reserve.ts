// devices.reserve: a new device, on a socket that names none yet, gets its id for its device key.
import type { DeviceService } from '../../domain/devices.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function devicesReserve(devices: DeviceService) {
  return defineHandler({
    event: 'devices.reserve',
    roles: EVERY_ROLE,
    device: 'none',
    handle: ({ deviceKey }, { caller }) => devices.reserve(caller, deviceKey),
  });
}
