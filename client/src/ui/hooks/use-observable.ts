// Renders a core Observable in a component: the component re-renders on every new value.
import { useEffect, useState } from 'preact/hooks';
import type { Observable } from '@kolokol/client/core';

export function useObservable<T>(observable: Observable<T>): T {
  const [value, setValue] = useState(observable.value);
  useEffect(() => {
    setValue(observable.value);
    return observable.subscribe(setValue);
  }, [observable]);
  return value;
}
