// Why the person is no longer logged in (logged out, removed device, suspended, …), shown above
// every signed-out screen until they log in again.
import { describeSignedOut } from '../errors.js';
import { useObservable } from '../hooks/use-observable.js';
import { session } from '../session.js';

export function SignedOutNotice() {
  const client = useObservable(session.client);
  const reason = useObservable(session.signedOutReason);
  if (client !== undefined || reason === undefined) return null;
  return (
    <p class="notice" role="status">
      {describeSignedOut(reason)}
    </p>
  );
}
