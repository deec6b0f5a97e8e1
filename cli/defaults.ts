/** Defaults of the CLI that its help states: here, so that the help need not load the commands. */

/** Up to this many committees a plan draws its map.svg unless told not to; above, only with --map. */
export const MAP_AUTO_COMMITTEES = 500;
