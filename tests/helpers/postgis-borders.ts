/** The PostGIS border baseline lives with the benchmarks (bench/postgis-borders.ts); the adjacency tests use it too. */
export * from '../../bench/postgis-borders.js';
