/**
 * The solver's defaults, in one place: scenarios, the server's pool and the solver's own options
 * read them from here.
 */
export const SOLVER_DEFAULTS = {
  /** Wall-clock budget of a whole solve (every street office of the command), ms. */
  timeLimitMs: 60_000,
  /** Integer-programming engine. */
  engine: 'highs',
  /** Components of at most this many committees go to the dynamic program over subsets. */
  smallComponentRows: 16,
  /** State budget of each frontier search. */
  frontierStates: 200_000,
  /**
   * State budget of a frontier search that settles one column count under a cutoff (about
   * 100 bytes a state: 2.5 M ≈ 250 MB at most).
   */
  frontierProofStates: 2_500_000,
  /** Candidate stations enumerated per street office before the enumeration stops (count budget). */
  maxCandidates: 2_000_000,
  /** Memory the candidate list of one street office may take, MB (estimated; memory budget). */
  candidateMemoryMb: 1024,
  /**
   * Time kept in hand when calling an engine on a large model (HiGHS overruns its own limit by
   * seconds there; solver/partition.ts engineSeconds), ms.
   */
  engineReserveMs: 1500,
  /** Share of a street office's time that candidate enumeration and pricing may take. */
  enumerationShare: 0.6,
} as const;
