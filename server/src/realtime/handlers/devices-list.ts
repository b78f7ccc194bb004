// devices.list: the caller's own device list, or another account's across a channel.
import type { DeviceService } from '../../domain/devices.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function devicesList(devices: DeviceService) {
  return defineHandler({
    event: 'devices.list',
    roles: EVERY_ROLE,
    handle: ({ accountId }, { caller }) => devices.list(caller, accountId),
  });
}
