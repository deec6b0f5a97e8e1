/** The random street offices live with the benchmarks (bench/random-problem.ts); the solver tests use them too. */
export * from '../../bench/random-problem.js';
