// Part of `npm run build`: copies the files the built code reads beside itself into dist/
// (tsc copies only .ts output). Today: the numbered SQL migrations.
import { cpSync, rmSync } from 'node:fs';

const from = 'server/store/migrations';
const to = 'dist/server/store/migrations';
rmSync(to, { recursive: true, force: true }); // a migration removed from the source leaves dist/ too
cpSync(from, to, { recursive: true });
