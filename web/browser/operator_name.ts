/**
 * Who the operator at this browser is, until identity lands: a name typed
 * once in an alert action form and remembered in `localStorage`, sent as
 * `by` with every action ("operator" when none was given).
 */

const KEY = "millwright.operator";

/** The remembered name, or "" (also on the server and when storage is blocked). */
export function operatorName(): string {
  try {
    return globalThis.localStorage?.getItem(KEY) ?? "";
  } catch {
    // Storage can be blocked by the browser's privacy settings; acting unnamed still works.
    return "";
  }
}

/** Remembers `name` for later actions (an empty name forgets it). */
export function rememberOperatorName(name: string): void {
  try {
    if (name.trim() === "") globalThis.localStorage?.removeItem(KEY);
    else globalThis.localStorage?.setItem(KEY, name.trim());
  } catch {
    // See operatorName: not remembering only means typing it again.
  }
}
