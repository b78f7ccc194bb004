// What a request's state means to the person who asked, in one sentence each (catalogue keys
// `request.state.<state>`), and what they can still do: the shared lifecycle table decides.
import {
  isEndState,
  isLegalTransition,
  type RequestState,
  type RequestWire,
} from '@kolokol/shared';

export interface RequestStatus {
  readonly state: RequestState;
  /** Over: nothing more happens to it (its sealed details are deleted on the server). */
  readonly over: boolean;
  /** The contact may still cancel it. */
  readonly cancellable: boolean;
}

export function requestStatus(state: RequestState): RequestStatus {
  return {
    state,
    over: isEndState(state),
    cancellable: isLegalTransition(state, 'cancelled'),
  };
}

/** Live requests first (newest first), then those that are over (newest first). */
export function orderedRequests(requests: readonly RequestWire[]): RequestWire[] {
  return [...requests].sort(
    (a, b) =>
      Number(isEndState(a.state)) - Number(isEndState(b.state)) || b.createdAt - a.createdAt,
  );
}
