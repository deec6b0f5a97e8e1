/** Builds the review desk into `outdir` (default <package>/dist/web); resolves to the folder. */
export function buildWeb(outdir?: string): Promise<string>;
