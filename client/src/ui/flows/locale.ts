// The two languages the screens speak: the same pair the shared taxonomy labels carry.
import type { Language } from '@kolokol/shared';

export type Locale = Language;
