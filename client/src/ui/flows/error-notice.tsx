// A failure that is not a button's (a list that did not load), in words (errors.ts).
import { ErrorMessage } from '../components/error-message.js';
import { describeError } from '../errors.js';

export function ErrorNotice({ error }: { error: unknown }) {
  return <ErrorMessage text={error === undefined ? undefined : describeError(error)} />;
}
