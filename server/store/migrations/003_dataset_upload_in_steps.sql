-- 003: an upload is stored in steps (short statements, so that reads on the embedded engine's one
-- connection do not wait behind one long transaction): the dataset row is written first with
-- complete = false, its committees chunk by chunk, and the row turns complete at the end. Reads see
-- complete datasets only; a failed or cut upload is deleted (its committees cascade).
ALTER TABLE datasets ADD COLUMN complete boolean NOT NULL DEFAULT true;
CREATE INDEX datasets_incomplete_idx ON datasets (created_at) WHERE NOT complete;
