// offers.get: a volunteer's own offer, or a volunteer's offer for moderators and admins.
import type { OfferService } from '../../domain/offers.js';
import { defineHandler } from '../handler.js';

export function offersGet(offers: OfferService) {
  return defineHandler({
    event: 'offers.get',
    roles: ['volunteer', 'moderator', 'admin'],
    handle: async ({ accountId }, { caller }) => ({ offer: await offers.get(caller, accountId) }),
  });
}
