/**
 * Sorted directory listings, built once and handed out as copies. Internal
 * to the in-memory services (MemFs, MapFs, CowFs).
 *
 * Listing a directory used to build and sort every entry on every call,
 * which made a 10,000-entry `readdir` cost 20–60 times copying the names
 * out of a Set. A {@linkcode DirListing} keeps the sorted entries (frozen,
 * so they can be shared between calls) and returns a fresh array each
 * time. Entries added since the last listing are sorted and merged in
 * (O(n + k log k)); any other change rebuilds it on the next call.
 *
 * @module
 */

import type { DirEntry, FileKind } from "./types.ts";

/** Listings at least this long are remembered as sorted; shorter ones are cheap to check. */
const REMEMBER_FROM = 32;
const knownSorted = new WeakSet<DirEntry[]>();

/**
 * Orders entries by name (code unit order).
 *
 * @example
 * ```ts
 * import { byName } from "./dir_listing.ts";
 * console.log([{ name: "b", kind: "file" as const }, { name: "a", kind: "file" as const }].sort(byName)[0].name); // "a"
 * ```
 */
export function byName(a: DirEntry, b: DirEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * A frozen entry, safe to share between listings.
 *
 * @example
 * ```ts
 * import { frozenEntry } from "./dir_listing.ts";
 * console.log(Object.isFrozen(frozenEntry("a", "file"))); // true
 * ```
 */
export function frozenEntry(name: string, kind: FileKind): DirEntry {
  return Object.freeze({ name, kind });
}

/**
 * Sorts entries by name in place, unless they are known or found to be
 * sorted already; returns them.
 *
 * @example
 * ```ts
 * import { sortedEntries } from "./dir_listing.ts";
 * console.log(sortedEntries([{ name: "b", kind: "file" }, { name: "a", kind: "dir" }])[0].name); // "a"
 * ```
 */
export function sortedEntries(entries: DirEntry[]): DirEntry[] {
  if (entries.length >= REMEMBER_FROM && knownSorted.has(entries)) return entries;
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1].name > entries[i].name) return entries.sort(byName);
  }
  return entries;
}

/**
 * A copy of `sorted` that {@linkcode sortedEntries} will not check again.
 *
 * @example
 * ```ts
 * import { frozenEntry, handOut } from "./dir_listing.ts";
 * const mine = [frozenEntry("a", "file")];
 * console.log(handOut(mine) !== mine); // true
 * ```
 */
export function handOut(sorted: readonly DirEntry[]): DirEntry[] {
  const out = sorted.slice();
  if (out.length >= REMEMBER_FROM) knownSorted.add(out);
  return out;
}

/**
 * The cached listing of one directory.
 *
 * @example
 * ```ts
 * import { DirListing } from "./dir_listing.ts";
 * const children = new Map([["b", { kind: "file" as const }], ["a", { kind: "dir" as const }]]);
 * const listing = new DirListing();
 * console.log(listing.entries(children).map((e) => e.name)); // ["a", "b"]
 * ```
 */
export class DirListing {
  #sorted: DirEntry[] | undefined = undefined;
  #added: DirEntry[] = [];

  /** Notes a new name (one that was not listed before). */
  added(name: string, kind: FileKind): void {
    if (this.#sorted !== undefined) this.#added.push(frozenEntry(name, kind));
  }

  /** Notes any other change: the next listing is built afresh. */
  changed(): void {
    this.#sorted = undefined;
    this.#added = [];
  }

  /** The sorted entries (a fresh array), building them from `children` when needed. */
  entries(children: ReadonlyMap<string, { readonly kind: FileKind }>): DirEntry[] {
    return handOut(this.sorted(() => {
      const out: DirEntry[] = [];
      for (const [name, child] of children) out.push(frozenEntry(name, child.kind));
      return out.sort(byName);
    }));
  }

  /** The cached sorted entries (not a copy), building them with `build` when needed. */
  sorted(build: () => DirEntry[]): readonly DirEntry[] {
    let sorted = this.#sorted;
    if (sorted === undefined) {
      sorted = this.#sorted = build();
      this.#added = [];
    } else if (this.#added.length > 0) {
      sorted = this.#sorted = merge(sorted, this.#added.sort(byName));
      this.#added = [];
    }
    return sorted;
  }
}

/** Merges two sorted lists of distinct names. */
function merge(a: readonly DirEntry[], b: readonly DirEntry[]): DirEntry[] {
  if (a.length === 0) return b.slice();
  if (a[a.length - 1].name < b[0].name) return a.concat(b);
  const out: DirEntry[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i].name < b[j].name ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
