// moderation.queue: pending proposals with everything a moderator needs to decide (staff).
import type { ModerationQueue } from '../../domain/moderation/queue.js';
import { defineHandler } from '../handler.js';

export function moderationQueue(queue: ModerationQueue) {
  return defineHandler({
    event: 'moderation.queue',
    roles: ['moderator', 'admin'],
    handle: () => queue.list(),
  });
}
