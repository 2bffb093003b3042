/**
 * The breadcrumb trail of a page of one factory's administration
 * (users, devices, API tokens, fault models, audit log).
 *
 * @module
 */
import { factoryPath } from "../web/browser/format.ts";
import type { Crumb } from "./PageLayout.tsx";

/**
 * Factories › `factory` › `page`, the factory linking to its overview.
 *
 * @example
 * ```ts
 * factoryPageCrumbs("demo", "Users");
 * // [{ label: "Factories", href: "/" }, { label: "demo", href: "/factories/demo" },
 * //   { label: "Users" }]
 * ```
 */
export function factoryPageCrumbs(factory: string, page: string): Crumb[] {
  return [
    { label: "Factories", href: "/" },
    { label: factory, href: factoryPath(factory) },
    { label: page },
  ];
}
