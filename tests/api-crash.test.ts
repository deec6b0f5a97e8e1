/**
 * The crash test of the approval procedure: the real server (`node dist/cli/bin.js serve`, on an
 * embedded PGlite data folder, and on a throw-away PostgreSQL database when DATABASE_URL is set) runs
 * in a child process; the test drives a stream of approval transitions over
 * HTTP from several concurrent clients (submit, three opinions, approve or reject, resubmit, file,
 * then a revision of the filed plan that starts again), and SIGKILLs the server while requests are in
 * flight, three times at different points, starting it again on the same data folder each time.
 *
 * After every restart, for every plan of the store:
 * - its history replays through server/workflow.ts `applyAction` to exactly its state, version, round
 *   and current-round opinions (so no transition is half-applied);
 * - every acknowledged transition (200 with a version) is in the history with that version, action
 *   and resulting state; every acknowledged plan creation (201) exists (nothing acknowledged is lost);
 * - every history step the clients did not see acknowledged is one that was in flight at the kill.
 * `npm test` builds first, so dist/ is current.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, HistoryEntry, PlanState, ReviewerRole, Role, WorkflowAction } from '../server/store/types.js';
import { REVIEWER_ROLES, WORKFLOW_ACTIONS } from '../server/store/types.js';
import { applyAction, type WorkflowPlan } from '../server/workflow.js';
import { issueToken } from '../server/auth.js';
import { openStore } from '../server/store/open.js';
import { makeThrowawayDatabase, pgliteTemplate } from './helpers/store.js';
import { mulberry32 as rng } from '../scenarios/random.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/cli/bin.js');

/** The kills: after this many acknowledged transitions (cumulative over the run), plus a delay in ms
 * so that some kills land while the server is inside a transaction or answering. */
const KILLS = [{ after: 12, delayMs: 0 }, { after: 40, delayMs: 3 }, { after: 75, delayMs: 8 }];
/** Transitions after the last restart, to show the server goes on normally. */
const FINAL_STRETCH = 20;
/** Concurrent clients, each driving its own plan. */
const CLIENTS = 6;

interface Server {
  child: ChildProcess;
  url: string;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

/**
 * The work of this test is bounded by steps (the kills and the final stretch count acknowledged
 * transitions), not by the clock: the time limits below only catch a hang, and are generous
 * because a loaded 2-core machine runs it several times slower than an idle one.
 */
const START_LIMIT_MS = 120_000;
const TEST_LIMIT_MS = 900_000;

/** Starts `yizhan serve --port 0 --data DIR` (or on `databaseUrl`) and waits for its "serving http://…" line. */
async function startChild(dataDir: string, databaseUrl = ''): Promise<Server> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir, '--quiet'], {
    cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = { child, url: '', stdout: '', stderr: '' } as Server;
  server.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.setEncoding('utf8').on('data', (t: string) => { server.stdout += t; });
  child.stderr!.setEncoding('utf8').on('data', (t: string) => { server.stderr += t; });
  const deadline = Date.now() + START_LIMIT_MS;
  for (;;) {
    const m = /serving (http:\/\/\S+)/.exec(server.stderr);
    if (m) {
      server.url = m[1]!;
      return server;
    }
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before serving:\n${server.stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start within ${START_LIMIT_MS / 1000} s:\n${server.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}


type TokenKey = 'huangbei' | 'dongmen' | 'planner' | ReviewerRole | 'district-government' | 'city-civil-affairs';

/** One request the clients sent that changes a plan. */
interface Sent {
  kind: 'transition' | 'create' | 'revise';
  planId: string | null;
  action: WorkflowAction | 'create' | 'revise';
  /** The version the client saw (transitions and revisions). */
  version: number | null;
  /** Set when the server answered 2xx: the new version (or 1 for a new plan) and the state. */
  ack: { planId: string; version: number; state: PlanState } | null;
  /** Set when the request failed without an answer (the server died). */
  lost: boolean;
}

/** What a client knows of its plan. */
interface Cursor {
  planId: string;
  office: '黄贝' | '东门';
  state: PlanState;
  version: number;
  opinions: ReviewerRole[];
  done: boolean;
}

class ServerGone extends Error {}

function crashSuite(engine: 'embedded' | 'postgresql'): void {
  let dir: string;
  let dataDir: string;
  let databaseUrl = '';
  let dropDatabase: (() => Promise<void>) | undefined;
  let presetAdmin: string | undefined;
  let server: Server | undefined;
  const tokens = {} as Record<TokenKey, string>;
  let datasetId: string;
  const sent: Sent[] = [];
  const cursors: Cursor[] = [];
  const random = rng(20061231);
  let acked = 0;

  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build` (npm test does it)');
    dir = await mkdtemp(join(tmpdir(), 'yizhan-crash-'));
    dataDir = join(dir, 'data');
    if (engine === 'embedded') {
      await cp(await pgliteTemplate(), dataDir, { recursive: true });
    } else {
      const db = await makeThrowawayDatabase(process.env.DATABASE_URL!);
      databaseUrl = db.url;
      dropDatabase = db.drop;
      // a server on PostgreSQL prints no admin token: make one in the store first
      const store = await openStore({ databaseUrl });
      try {
        presetAdmin = (await issueToken(store, { role: 'admin', label: 'crash test' })).token;
      } finally {
        await store.close();
      }
    }
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await dropDatabase?.();
  }, 60_000);

  async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
    let res: Response;
    try {
      res = await fetch(`${server!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new ServerGone(String(e));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw new ServerGone(String(e));
    }
    return { status: res.status, json: text === '' ? null : JSON.parse(text) };
  }

  const officeToken = (c: Cursor) => (c.office === '黄贝' ? tokens.huangbei : tokens.dongmen);

  /** A hand plan (every committee of the office its own station) made by the office's planner. */
  async function createPlan(office: Cursor['office']): Promise<Cursor | null> {
    const s: Sent = { kind: 'create', planId: null, action: 'create', version: null, ack: null, lost: false };
    sent.push(s);
    try {
      const r = await call('POST', `/api/datasets/${datasetId}/plans`, office === '黄贝' ? tokens.huangbei : tokens.dongmen,
        { name: `${office} crash test`, streetOffices: [office], stations: [] });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      s.ack = { planId: r.json.id, version: r.json.version, state: r.json.state };
      return { planId: r.json.id, office, state: r.json.state, version: r.json.version, opinions: [], done: false };
    } catch (e) {
      if (e instanceof ServerGone) { s.lost = true; return null; }
      throw e;
    }
  }

  /** The next step for a plan, chosen by its state; rejection and disagreement are drawn at random. */
  function nextStep(c: Cursor): { token: string; body: Record<string, unknown>; action: WorkflowAction } | 'revise' {
    switch (c.state) {
      case 'draft':
      case 'rejected':
        return { token: officeToken(c), action: 'submit', body: { action: 'submit', opinion: `${c.office}街道申请` } };
      case 'submitted': {
        const missing = REVIEWER_ROLES.filter((r) => !c.opinions.includes(r));
        if (missing.length > 0) {
          const role = missing[Math.floor(random() * missing.length)]!;
          return { token: tokens[role], action: 'opinion', body: { action: 'opinion', opinion: `${role} 意见`, agree: random() < 0.8 } };
        }
        return random() < 0.35
          ? { token: tokens['district-government'], action: 'reject', body: { action: 'reject', opinion: '退回修改' } }
          : { token: tokens['district-government'], action: 'approve', body: { action: 'approve', opinion: '批准' } };
      }
      case 'approved':
        return { token: tokens['city-civil-affairs'], action: 'file', body: { action: 'file', opinion: '备案' } };
      case 'filed':
        return 'revise';
    }
  }

  /** One client: drives its plan until the server dies or `stop()` says so. */
  async function client(i: number, stop: () => boolean): Promise<void> {
    try {
      while (!stop()) {
        const c = cursors[i]!;
        const step = nextStep(c);
        if (step === 'revise') {
          const s: Sent = { kind: 'revise', planId: c.planId, action: 'revise', version: c.version, ack: null, lost: false };
          sent.push(s);
          try {
            const r = await call('POST', `/api/plans/${c.planId}/revisions`, officeToken(c), { version: c.version, stations: [] });
            expect(r.status, JSON.stringify(r.json)).toBe(201);
            s.ack = { planId: r.json.id, version: r.json.version, state: r.json.state };
            cursors[i] = { planId: r.json.id, office: c.office, state: r.json.state, version: r.json.version, opinions: [], done: false };
          } catch (e) {
            if (e instanceof ServerGone) s.lost = true;
            throw e;
          }
          continue;
        }
        const s: Sent = { kind: 'transition', planId: c.planId, action: step.action, version: c.version, ack: null, lost: false };
        sent.push(s);
        let r: { status: number; json: any };
        try {
          r = await call('POST', `/api/plans/${c.planId}/actions`, step.token, { ...step.body, version: c.version });
        } catch (e) {
          if (e instanceof ServerGone) s.lost = true;
          throw e;
        }
        expect(r.status, `${step.action} at version ${c.version}: ${JSON.stringify(r.json)}`).toBe(200);
        expect(r.json.plan.version).toBe(c.version + 1);
        expect(r.json.entry).toMatchObject({ action: step.action, version: c.version + 1, toState: r.json.plan.state });
        s.ack = { planId: c.planId, version: r.json.plan.version, state: r.json.plan.state };
        acked += 1;
        c.version = r.json.plan.version;
        c.state = r.json.plan.state;
        if (step.action === 'opinion') c.opinions.push(REVIEWER_ROLES.find((role) => tokens[role] === step.token)!);
        if (step.action === 'submit') c.opinions = [];
      }
    } catch (e) {
      if (!(e instanceof ServerGone)) throw e;
    }
  }

  /** Re-reads each client's plan after a restart: a request lost at the kill may or may not have been applied. */
  async function resync(): Promise<void> {
    for (const c of cursors) {
      const plan = await call('GET', `/api/plans/${c.planId}`, tokens.planner);
      expect(plan.status).toBe(200);
      c.state = plan.json.state;
      c.version = plan.json.version;
      const history = await call('GET', `/api/plans/${c.planId}/history`, tokens.planner);
      c.opinions = (history.json.opinions as { round: number; role: ReviewerRole }[])
        .filter((o) => o.round === plan.json.round).map((o) => o.role);
    }
  }

  /** Runs every client until `target` transitions are acknowledged in all, then SIGKILLs the server (or, with `kill: false`, stops the clients). */
  async function stream(target: number, kill: boolean, delayMs = 0): Promise<{ inFlight: number }> {
    let stopped = false;
    const runs = cursors.map((_, i) => client(i, () => stopped));
    let inFlight = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (acked >= target) {
          clearInterval(timer);
          if (kill) {
            setTimeout(() => {
              inFlight = sent.filter((s) => s.ack === null && !s.lost).length;
              server!.child.kill('SIGKILL');
              resolve();
            }, delayMs);
          } else {
            stopped = true;
            resolve();
          }
        }
      }, 1);
      Promise.all(runs).then(() => { clearInterval(timer); if (acked < target) reject(new Error(`clients stopped at ${acked} of ${target}`)); }, (e) => { clearInterval(timer); reject(e); });
    });
    await Promise.all(runs);
    if (kill) {
      await server!.exited;
      // every request the clients had sent and not seen answered has failed by now
      for (const s of sent) if (s.ack === null) s.lost = true;
    }
    return { inFlight };
  }

  /** Replays one plan's history through the state machine and checks it explains the stored plan. */
  function replay(plan: { id: string; state: PlanState; version: number; round: number; scope: string[] },
    entries: HistoryEntry[], opinions: { round: number; role: ReviewerRole; agree: boolean }[]): void {
    const where = `plan ${plan.id}`;
    expect(entries.length, where).toBeGreaterThan(0);
    expect(entries.map((e) => e.seq), where).toEqual(entries.map((_, k) => k + 1));
    const first = entries[0]!;
    expect(['create', 'revise'], where).toContain(first.action);
    expect([first.fromState, first.toState, first.version], where).toEqual([null, 'draft', 1]);
    let state: WorkflowPlan = { state: 'draft', version: 1, round: 0, scope: plan.scope, fatalViolations: [], opinions: [] };
    for (const e of entries.slice(1)) {
      expect((WORKFLOW_ACTIONS as readonly string[]).includes(e.action), `${where} seq ${e.seq}: ${e.action}`).toBe(true);
      const actor: Actor = { tokenId: e.actorTokenId, role: e.role as Role, streetOffice: e.role === 'street-office' ? plan.scope[0]! : null };
      const result = applyAction(state, { action: e.action, version: state.version, opinion: e.opinion, agree: e.agree }, actor);
      if ('error' in result) throw new Error(`${where} seq ${e.seq} (${e.action} by ${e.role}) is not a legal step from ${state.state}: ${result.error.message}`);
      const n = result.next;
      expect([e.fromState, e.toState, e.version], `${where} seq ${e.seq}`).toEqual([n.fromState, n.state, n.version]);
      state = {
        ...state, state: n.state, version: n.version, round: n.round,
        opinions: n.action === 'submit' ? [] : n.opinionRole !== null ? [...state.opinions, { role: n.opinionRole, agree: n.agree! }] : state.opinions,
      };
    }
    expect([plan.state, plan.version, plan.round], where).toEqual([state.state, state.version, state.round]);
    const current = opinions.filter((o) => o.round === plan.round).map((o) => [o.role, o.agree]).sort();
    expect(current, where).toEqual(state.opinions.map((o) => [o.role, o.agree]).sort());
  }

  /** The checks after a restart: every plan explained by its history; nothing acknowledged lost; nothing unsent applied. */
  async function verify(): Promise<{ plans: number; entries: number; appliedUnacked: number }> {
    const list = await call('GET', `/api/plans?datasetId=${datasetId}&limit=500`, tokens.planner); // one page holds every plan of the run
    expect(list.status).toBe(200);
    const plans = list.json.plans as { id: string; state: PlanState; version: number; round: number; scope: string[] }[];
    const byId = new Map(plans.map((p) => [p.id, p]));
    let entriesSeen = 0;
    let appliedUnacked = 0;
    for (const p of plans) {
      const full = await call('GET', `/api/plans/${p.id}`, tokens.planner);
      const history = await call('GET', `/api/plans/${p.id}/history`, tokens.planner);
      expect(history.status).toBe(200);
      const entries = history.json.entries as HistoryEntry[];
      replay({ ...p, round: full.json.round, scope: full.json.scope }, entries, history.json.opinions);
      entriesSeen += entries.length;
      for (const e of entries.slice(1)) {
        const ack = sent.find((s) => s.ack?.planId === p.id && s.ack.version === e.version);
        if (ack) {
          expect([ack.action, ack.ack!.state], `plan ${p.id} v${e.version}`).toEqual([e.action, e.toState]);
        } else {
          // not acknowledged: must be a request that was in flight when the server died
          const lost = sent.find((s) => s.lost && s.kind === 'transition' && s.planId === p.id && s.version === e.version - 1 && s.action === e.action);
          expect(lost, `plan ${p.id} v${e.version} ${e.action} was applied but never sent`).toBeDefined();
          appliedUnacked += 1;
        }
      }
      // a plan nobody saw created was a creation (or revision) in flight at a kill
      if (!sent.some((s) => s.ack?.planId === p.id)) {
        expect(sent.some((s) => s.lost && s.action === entries[0]!.action), `plan ${p.id} exists but was never sent`).toBe(true);
      }
    }
    for (const s of sent) {
      if (s.ack === null) continue;
      const p = byId.get(s.ack.planId);
      expect(p, `acknowledged ${s.action} of plan ${s.ack.planId} lost`).toBeDefined();
      expect(p!.version, `acknowledged ${s.action} of plan ${s.ack.planId}`).toBeGreaterThanOrEqual(s.ack.version);
      if (s.kind === 'transition') {
        const history = (await call('GET', `/api/plans/${s.ack.planId}/history`, tokens.planner)).json.entries as HistoryEntry[];
        const e = history.find((h) => h.version === s.ack!.version);
        expect(e && [e.action, e.toState], `acknowledged ${s.action} v${s.ack.version} of plan ${s.ack.planId}`).toEqual([s.action, s.ack.state]);
      }
    }
    return { plans: plans.length, entries: entriesSeen, appliedUnacked };
  }

  it('keeps every acknowledged transition and no half-applied one across three kills', async () => {
    const started = Date.now();
    server = await startChild(dataDir, databaseUrl);
    const admin = presetAdmin ?? /admin token: (\S+)/.exec(server.stdout)?.[1];
    expect(admin, server.stdout).toBeDefined();
    const roles: [TokenKey, Role, string?][] = [
      ['huangbei', 'street-office', '黄贝'], ['dongmen', 'street-office', '东门'], ['planner', 'district-planner'],
      ['organisation', 'organisation'], ['civil-affairs', 'civil-affairs'], ['establishment', 'establishment'],
      ['district-government', 'district-government'], ['city-civil-affairs', 'city-civil-affairs'],
    ];
    for (const [key, role, streetOffice] of roles) {
      const r = await call('POST', '/api/tokens', admin!, { role, ...(streetOffice ? { streetOffice } : {}) });
      expect(r.status).toBe(201);
      tokens[key] = r.json.token;
    }
    datasetId = (await call('GET', '/api/datasets', tokens.planner)).json.datasets[0].id;
    for (let i = 0; i < CLIENTS; i++) {
      const c = await createPlan(i % 2 === 0 ? '黄贝' : '东门');
      cursors.push(c!);
    }

    const runs: { killedAfter: number; inFlight: number; restartMs: number; plans: number; entries: number; appliedUnacked: number }[] = [];
    for (const { after, delayMs } of KILLS) {
      const { inFlight } = await stream(after, true, delayMs);
      expect(inFlight, 'requests in flight at the kill').toBeGreaterThan(0);
      const t0 = Date.now();
      server = await startChild(dataDir, databaseUrl);
      const restartMs = Date.now() - t0;
      expect(server.stdout, 'no second admin token').not.toContain('admin token');
      runs.push({ killedAfter: acked, inFlight, restartMs, ...(await verify()) });
      await resync();
    }
    // after the last restart the stream goes on as before, and a clean stop keeps it too
    await stream(acked + FINAL_STRETCH, false);
    const final = await verify();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    server = await startChild(dataDir, databaseUrl);
    expect(await verify()).toEqual(final);
    // the kills happened in the middle of the approval path, not only at its ends
    expect(new Set(sent.filter((s) => s.lost).map((s) => s.action)).size).toBeGreaterThan(1);
    console.log(`crash test: ${acked} acknowledged transitions, ${sent.filter((s) => s.lost).length} lost in flight, `
      + `${JSON.stringify(runs)}, ${Date.now() - started} ms`);
  }, TEST_LIMIT_MS);
}

describe('the server killed (SIGKILL) in the middle of a stream of approval transitions, embedded PGlite', () => {
  crashSuite('embedded');
});

describe.skipIf(!process.env.DATABASE_URL)('the server killed (SIGKILL) in the middle of a stream of approval transitions, PostgreSQL server (needs DATABASE_URL; CI sets it)', () => {
  crashSuite('postgresql');
});
