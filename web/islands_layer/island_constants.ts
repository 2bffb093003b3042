/** Attribute naming the island of a marked element (its file name in `islands/`). */
export const ISLAND_ATTRIBUTE = "data-island";
/** Attribute holding the id of the `<script type="application/json">` with the island's props. */
export const ISLAND_PROPS_ATTRIBUTE = "data-island-props";
