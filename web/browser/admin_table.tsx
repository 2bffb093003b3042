import type { ComponentChildren, VNode } from "preact";
import { FormProblem } from "./form_problem.tsx";

/** Props of {@link AdminTable}. */
export interface AdminTableProps {
  /** `data-table` of the table, for tests and styles; none when undefined. */
  readonly name?: string;
  /** Header of each column, left to right. */
  readonly columns: readonly string[];
  /** The rows. */
  readonly children: ComponentChildren;
}

/**
 * A table of an administration page (users, tokens, credentials, …).
 *
 * @example
 * ```tsx
 * import type { ApiTokenRow } from "./identity_api.ts";
 *
 * function Tokens({ tokens }: { tokens: readonly ApiTokenRow[] }) {
 *   return (
 *     <AdminTable name="api-tokens" columns={["Name", "Actions"]}>
 *       {tokens.map((token) => (
 *         <tr key={token.id}>
 *           <th scope="row">{token.name}</th>
 *           <td><button type="button">Revoke</button></td>
 *         </tr>
 *       ))}
 *     </AdminTable>
 *   );
 * }
 * ```
 */
export function AdminTable({ name, columns, children }: AdminTableProps): VNode {
  return (
    <table class="latest-table identity-table" data-table={name}>
      <thead>
        <tr>
          {columns.map((column) => <th key={column} scope="col">{column}</th>)}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** Props of {@link Loaded}. */
export interface LoadedProps<T> {
  /** What was loaded; undefined until the first load succeeded. */
  readonly value: T | undefined;
  /** Why the last load failed. */
  readonly problem: string | undefined;
  /** Renders what was loaded. */
  readonly children: (value: T) => ComponentChildren;
}

/**
 * A loaded list's place on the page: the load's problem when it failed,
 * "Loading…" before the first answer, then what `children` renders.
 *
 * @example
 * ```tsx
 * import type { ReadonlySignal } from "@preact/signals";
 * import type { UserRow } from "./identity_api.ts";
 *
 * declare const users: ReadonlySignal<readonly UserRow[] | undefined>;
 * declare const loadProblem: ReadonlySignal<string | undefined>; // from useApiLoad
 * const row = (user: UserRow) => <tr key={user.id}><td>{user.name}</td></tr>;
 *
 * <Loaded value={users.value} problem={loadProblem.value}>
 *   {(list) => <AdminTable columns={["Name"]}>{list.map(row)}</AdminTable>}
 * </Loaded>;
 * ```
 */
export function Loaded<T>({ value, problem, children }: LoadedProps<T>): VNode {
  return (
    <>
      <FormProblem message={problem} />
      {value === undefined
        ? problem === undefined && <p class="muted" role="status">Loading…</p>
        : children(value)}
    </>
  );
}
