// offers.set_paused: a volunteer pauses or resumes their offer without sending it again.
import type { OfferService } from '../../domain/offers.js';
import { defineHandler } from '../handler.js';

export function offersSetPaused(offers: OfferService) {
  return defineHandler({
    event: 'offers.set_paused',
    roles: ['volunteer'],
    handle: ({ paused }, { caller }) => offers.setPaused(caller, paused),
  });
}
