/**
 * The UI's own settings, which the core keeps for it (getSettings / saveSettings): the
 * browser mode gets a new origin (a random port) every run, so localStorage would forget
 * them. Plain JSON, checked here, in common/, so the renderer and the core agree on what
 * is well-formed.
 */

export interface UiSettings {
  /** The request inspector's saved filters, in the order they were saved. */
  savedFilters: string[];
}

/** Bounds that keep the file small and a hostile page from filling a disk. */
export const MAX_SAVED_FILTERS = 100;
export const MAX_FILTER_LENGTH = 1000;

export const DEFAULT_UI_SETTINGS: Readonly<UiSettings> = Object.freeze({ savedFilters: [] });

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The settings in `value`, or the reason they are not well-formed. Strict: an unknown key,
 * a filter that is not a non-empty one-line string within the bounds, or a duplicate is a
 * refusal, not something quietly dropped, so a caller's bug shows.
 */
export function checkUiSettings(
  value: unknown,
): { ok: true; settings: UiSettings } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'settings must be an object { savedFilters: string[] }' };
  const extra = Object.keys(value).filter((k) => k !== 'savedFilters');
  if (extra.length > 0) return { ok: false, reason: `unknown setting '${extra[0]}'` };
  const list = (value as { savedFilters?: unknown }).savedFilters;
  if (!Array.isArray(list)) return { ok: false, reason: 'savedFilters must be an array' };
  if (list.length > MAX_SAVED_FILTERS)
    return { ok: false, reason: `at most ${MAX_SAVED_FILTERS} saved filters` };
  for (const f of list) {
    if (typeof f !== 'string' || f.trim() === '' || f.length > MAX_FILTER_LENGTH || CONTROL.test(f))
      return {
        ok: false,
        reason: `a saved filter must be one line of 1 to ${MAX_FILTER_LENGTH} characters`,
      };
  }
  if (new Set(list).size !== list.length) return { ok: false, reason: 'a saved filter repeats' };
  return { ok: true, settings: { savedFilters: [...(list as string[])] } };
}

/** What a settings file holds, keeping only what is well-formed (a hand edit can't break us). */
export function normaliseUiSettings(value: unknown): UiSettings {
  const list = (value as { savedFilters?: unknown } | null)?.savedFilters;
  if (!Array.isArray(list)) return { savedFilters: [] };
  const good = list.filter(
    (f): f is string =>
      typeof f === 'string' && f.trim() !== '' && f.length <= MAX_FILTER_LENGTH && !CONTROL.test(f),
  );
  return { savedFilters: [...new Set(good)].slice(0, MAX_SAVED_FILTERS) };
}
