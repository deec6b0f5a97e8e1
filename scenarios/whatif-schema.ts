/**
 * The what-if file of `yizhan batch`: one or more datasets and a grid of variations of the
 * scenario rules. The batch runs every combination (dataset × grid) and compares them.
 *
 * ```json
 * {
 *   "name": "luohu-sweep",
 *   "description": "band and cap sweep",
 *   "datasets": ["luohu-2006", "../districts/futian.json", "data/nanshan.geojson"],
 *   "base": { "rules": { "households": { "max": 12000 } }, "weights": { "compactness": 0.2 } },
 *   "grid": {
 *     "rules.households.min": [5000, 6000, 7000],
 *     "rules.maxCommitteesPerStation": [2, 3, 4],
 *     "weights.station": [1, 2],
 *     "locks.together": [[], [["碧波", "湖滨"]]]
 *   }
 * }
 * ```
 * - `datasets` (at least one): a built-in scenario name (`luohu-2006`), a scenario file
 *   (`*.json`, as `yizhan plan` takes it: its dataset, mapping, crs, rules, weights and locks), or a
 *   committees GeoJSON (`*.geojson`, seed defaults). Paths are relative to the what-if file.
 * - `base` (optional): scenario fields applied on top of each dataset's scenario: `rules`,
 *   `weights`, `locks`, `solver`, `streetOffices` (the scenario file's fields, same schema).
 * - `grid` (optional, may be empty): dotted paths into the scenario (`rules.…`, `weights.…`,
 *   `locks.…`, `solver.…`, `streetOffices`) → the list of values to try. A path may stop at an
 *   object (`"rules.households": [{ "min": 5000, "max": 9000 }, …]`); arrays (locks, street
 *   offices) replace, objects merge. An unknown path is an error naming it; each value is checked
 *   against the scenario schema and a wrong one is an error naming the key and the value's index.
 * - Values apply in order: dataset scenario, then `base`, then the grid's values.
 *
 * Variations are the cartesian product datasets × grid values, datasets outermost, then the grid's
 * keys in the file's order, the last key varying fastest. Each has a stable id (a file-name-safe
 * slug of the dataset and its values, e.g. `luohu-2006__min-5000__maxCommitteesPerStation-2`) that
 * names its output folder; see scenarios/batch.ts.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LocksSchema, RulesSchema, ScenarioFileSchema, WeightsSchema } from './schema.js';

/** The scenario fields a what-if may set in `base` and sweep in `grid`. */
export const WhatIfBaseSchema = Type.Object(
  {
    rules: Type.Optional(RulesSchema),
    weights: Type.Optional(WeightsSchema),
    locks: Type.Optional(LocksSchema),
    solver: ScenarioFileSchema.properties.solver,
    streetOffices: ScenarioFileSchema.properties.streetOffices,
  },
  { additionalProperties: false },
);

/** Top-level scenario fields a grid path may start with. */
export const WHATIF_GRID_ROOTS: readonly string[] = ['rules', 'weights', 'locks', 'solver', 'streetOffices'];

export const WhatIfFileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[^/\\\\]+$', description: 'names the batch; the default output folder is out/<name>' }),
    description: Type.Optional(Type.String()),
    datasets: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'built-in names, scenario files or committees GeoJSON' }),
    base: Type.Optional(WhatIfBaseSchema),
    grid: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.Array(Type.Unknown(), { minItems: 1 }), {
        description: 'dotted scenario path → values to try, e.g. {"rules.households.min": [5000, 6000]}',
      }),
    ),
  },
  { additionalProperties: false },
);

export type WhatIfFile = Static<typeof WhatIfFileSchema>;
export type WhatIfBase = Static<typeof WhatIfBaseSchema>;
