// offers.put: a volunteer replaces their whole offer.
import type { OfferService } from '../../domain/offers.js';
import { defineHandler } from '../handler.js';

export function offersPut(offers: OfferService) {
  return defineHandler({
    event: 'offers.put',
    roles: ['volunteer'],
    handle: (offer, { caller }) => offers.put(caller, offer),
  });
}
