#!/usr/bin/env bash
# The README's HTTP API walk-through, run for real: starts `yizhan serve` on a new temporary data
# folder and a free port, then makes tokens, uploads the Rhode Island tracts, makes scenarios,
# solves, reads the exports, compares a hand plan, walks the whole approval procedure (with a
# rejection and a resubmission), shows the history, makes a revision, shows the errors, and
# makes a token with the command line once the server is stopped. Every value it uses is set
# here. It prints each command as you would type it (after the assignments it shows) and the
# answer, abbreviated, with its HTTP status; it stops with exit 1 on any status it did not expect.
#
#   npm run build && bash tools/walkthrough.sh        (needs bash, curl and node; not jq)
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f dist/cli/bin.js ] || { echo "walkthrough: dist/cli/bin.js is missing: run npm run build first" >&2; exit 1; }
command -v curl >/dev/null || { echo "walkthrough: needs curl" >&2; exit 1; }

# the embedded database, whatever the environment says (DATABASE_URL would select PostgreSQL)
unset DATABASE_URL

W=$(mktemp -d "${TMPDIR:-/tmp}/yizhan-walkthrough.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$W"
}
trap cleanup EXIT

fail() { echo "walkthrough: FAILED: $*" >&2; exit 1; }

# node in place of jq: jget PATH reads JSON on stdin and prints the value at PATH (a.b.0.c)
jget() {
  node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split(".").filter(Boolean))v=v==null?v:v[k];process.stdout.write(typeof v==="string"?v:JSON.stringify(v)??"")})' "$1"
}
# urlencode TEXT: for query parameters (curl's --url-query needs curl >= 7.87)
urlencode() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }

# show FILE: the answer on one line, cut at 320 characters
show() {
  node -e 'const s=require("fs").readFileSync(process.argv[1],"utf8").replace(/\s*\n\s*/g," ").trim();console.log(s.length>320?s.slice(0,320)+" …":s)' "$1"
}

# run WANT 'curl …': prints the command, runs it, prints the answer and its status; stops unless
# the status matches WANT (e.g. 200, or 201|202). The answer is left in $BODY.
run() {
  local want=$1 cmd=$2 code
  printf '$ %s\n' "$cmd"
  code=$(eval "$cmd -o \"\$W/body\" -w '%{http_code}'") || fail "curl failed: $cmd"
  show "$W/body"
  printf '  (%s)\n' "$code"
  [[ $code =~ ^($want)$ ]] || fail "expected HTTP $want, got $code from: $cmd"
  BODY=$(cat "$W/body")
}

# expect VALUE EXPECTED WHAT
expect() { [ "$1" = "$2" ] || fail "$3: expected $2, got $1"; }

note() { printf '\n# %s\n' "$*"; }

# ---------------------------------------------------------------------------------------------
note "Start the server on a new data folder and a free port (npm start -- --port \$PORT --data \$DATA is the same)"
DATA=$W/data
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
B=http://127.0.0.1:$PORT
echo "\$ node dist/cli/bin.js serve --port $PORT --data $DATA --quiet"
node dist/cli/bin.js serve --port "$PORT" --data "$DATA" --quiet >"$W/stdout" 2>"$W/stderr" &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -sS -o /dev/null "$B/health" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited: $(cat "$W/stderr")"
  sleep 0.2
done
sed 's/^admin token: .*/admin token: …/' "$W/stdout"
cat "$W/stderr"
ADMIN=$(sed -n 's/^admin token: //p' "$W/stdout")
[ ${#ADMIN} -eq 43 ] || fail "no admin token printed on the first start"
run 200 'curl -sS "$B/health"'

# ---------------------------------------------------------------------------------------------
note "Tokens: the admin makes one per role (the answer is the only time a token is shown)"
# mk NAME BODY: makes a token and keeps it in the variable NAME
mk() {
  run 201 "curl -sS -X POST \"\$B/api/tokens\" -H \"authorization: Bearer \$ADMIN\" -H 'content-type: application/json' -d '$2'"
  printf -v "$1" '%s' "$(jget token <<<"$BODY")"
  echo "  ($1=\$(… | jget token))"
}
mk PLANNER '{"role":"district-planner"}'
mk ORG '{"role":"organisation"}'
mk CIVIL '{"role":"civil-affairs"}'
mk EST '{"role":"establishment"}'
mk GOV '{"role":"district-government"}'
mk CITY '{"role":"city-civil-affairs"}'

# ---------------------------------------------------------------------------------------------
note "Upload the Rhode Island 2010 tracts: tracts read as committees, counties as street offices"
MAPPING=$(urlencode '{"id":"GEOID10","name":"name","households":"households2010","streetOffice":"county_fips","population":"pop2010"}')
echo "\$ MAPPING=\$(urlencode '{\"id\":\"GEOID10\",\"name\":\"name\",\"households\":\"households2010\",\"streetOffice\":\"county_fips\",\"population\":\"pop2010\"}')"
run 201 'curl -sS -X POST "$B/api/datasets?name=ri-2010&mapping=$MAPPING" -H "authorization: Bearer $PLANNER" -H "content-type: application/geo+json" --data-binary @tests/fixtures/real/ri-tracts-2010.geojson'
RI=$(jget id <<<"$BODY")
expect "$(jget committeeCount <<<"$BODY")" 244 "committees stored"
run 200 'curl -sS "$B/api/datasets/$RI/committees.geojson?streetOffice=44001" -H "authorization: Bearer $ORG"'
expect "$(jget features.length <<<"$BODY")" 11 "Bristol County tracts"
# a street-office token names a street office of a stored dataset (44001 exists now)
mk BRISTOL '{"role":"street-office","streetOffice":"44001","label":"Bristol County office"}'

# ---------------------------------------------------------------------------------------------
note "Scenarios: Bristol County alone, and the whole state"
run 201 'curl -sS -X POST "$B/api/scenarios" -H "authorization: Bearer $PLANNER" -H "content-type: application/json" -d "{\"datasetId\":\"$RI\",\"name\":\"bristol\",\"streetOffices\":[\"44001\"],\"rules\":{\"households\":{\"min\":4000,\"max\":8000},\"maxCommitteesPerStation\":5}}"'
SC=$(jget id <<<"$BODY")
run 201 'curl -sS -X POST "$B/api/scenarios" -H "authorization: Bearer $PLANNER" -H "content-type: application/json" -d "{\"datasetId\":\"$RI\",\"name\":\"rhode island\",\"rules\":{\"households\":{\"min\":4000,\"max\":8000},\"maxCommitteesPerStation\":5}}"'
RSC=$(jget id <<<"$BODY")

# solve SCENARIO: 201 with the plan when it is done within the server's wait, else 202 with a job
# to poll; sets P to the plan's id
solve() {
  run '201|202' "curl -sS -X POST \"\$B/api/scenarios/\$$1/plans\" -H \"authorization: Bearer \$PLANNER\""
  if [ "$(jget job.id <<<"$BODY")" != "" ]; then
    JOB=$(jget job.id <<<"$BODY")
    for _ in $(seq 1 900); do
      code=$(curl -sS -o "$W/job" -w '%{http_code}' "$B/api/jobs/$JOB" -H "authorization: Bearer $PLANNER")
      [ "$code" = 200 ] || fail "job poll answered $code"
      status=$(jget status <"$W/job")
      [ "$status" = running ] || [ "$status" = queued ] || break
      sleep 1
    done
    run 200 'curl -sS "$B/api/jobs/$JOB" -H "authorization: Bearer $PLANNER"'
    expect "$(jget status <<<"$BODY")" done "the solve job"
    P=$(jget planId <<<"$BODY")
  else
    P=$(jget id <<<"$BODY")
  fi
}
note "Solve: 201 when the solve ends within 2 s, else 202 and a job to poll"
solve RSC
expect "$(jget summary.solver.status <<<"$(curl -sS "$B/api/plans/$P" -H "authorization: Bearer $ORG")")" optimal "the state-wide solve"
solve SC
expect "$(jget state <<<"$(curl -sS "$B/api/plans/$P" -H "authorization: Bearer $ORG")")" draft "a new plan"

# ---------------------------------------------------------------------------------------------
note "Read the plan and its exports"
run 200 'curl -sS "$B/api/plans/$P" -H "authorization: Bearer $ORG"'
expect "$(jget version <<<"$BODY")" 1 "a new plan's version"
run 200 'curl -sS "$B/api/plans/$P/stations.geojson" -H "authorization: Bearer $ORG"'
run 200 'curl -sS "$B/api/plans/$P/text?lang=en" -H "authorization: Bearer $ORG"'
run 200 'curl -sS "$B/api/plans/$P/text" -H "authorization: Bearer $ORG"'
run 200 'curl -sS "$B/api/plans/$P/plan.csv?lang=en" -H "authorization: Bearer $ORG"'

note "A plan made by hand, evaluated with the same checks, compared with the solved one"
run 201 'curl -sS -X POST "$B/api/datasets/$RI/plans" -H "authorization: Bearer $BRISTOL" -H "content-type: application/json" -d "{\"scenarioId\":\"$SC\",\"name\":\"bristol by hand\",\"stations\":[[\"Census Tract 301\",\"Census Tract 302\",\"Census Tract 303\",\"Census Tract 304\"],[\"Census Tract 305\",\"Census Tract 306.01\",\"Census Tract 306.02\"]]}"'
HAND=$(jget id <<<"$BODY")
run 200 'curl -sS "$B/api/plans/$P/compare/$HAND" -H "authorization: Bearer $ORG"'

# ---------------------------------------------------------------------------------------------
note "The approval procedure: each step sends the version it saw"
act() { run "$1" "curl -sS -X POST \"\$B/api/plans/\$P/actions\" -H \"authorization: Bearer \$$2\" -H 'content-type: application/json' -d '$3'"; }
act 403 PLANNER '{"action":"submit","version":1}'
act 200 BRISTOL '{"action":"submit","version":1,"opinion":"Bristol asks to merge 11 stations into 4"}'
act 200 ORG '{"action":"opinion","version":2,"agree":true,"opinion":"agreed"}'
act 200 CIVIL '{"action":"opinion","version":3,"agree":false,"opinion":"station too far from Census Tract 309.02"}'
act 409 GOV '{"action":"approve","version":4}'
act 200 EST '{"action":"opinion","version":4,"agree":true,"opinion":"staffing agreed"}'
act 200 GOV '{"action":"reject","version":5,"opinion":"answer the civil affairs bureau objection first"}'
expect "$(jget plan.state <<<"$BODY")" rejected "after the rejection"
act 409 BRISTOL '{"action":"submit","version":5}'
run 200 'curl -sS -X POST "$B/api/plans/$P/actions" -H "authorization: Bearer $BRISTOL" -H "content-type: application/json" -H "if-match: \"6\"" -d "{\"action\":\"submit\",\"opinion\":\"resubmitted: distances checked on site\"}"'
act 200 ORG '{"action":"opinion","version":7,"agree":true,"opinion":"agreed"}'
act 200 CIVIL '{"action":"opinion","version":8,"agree":true,"opinion":"distances now acceptable"}'
act 200 EST '{"action":"opinion","version":9,"agree":true,"opinion":"staffing agreed"}'
act 200 GOV '{"action":"approve","version":10,"opinion":"approved"}'
act 200 CITY '{"action":"file","version":11,"opinion":"filed"}'
expect "$(jget plan.state <<<"$BODY")/$(jget plan.version <<<"$BODY")" filed/12 "at the end"

note "The history: every step, and each round's opinions"
run 200 'curl -sS "$B/api/plans/$P/history" -H "authorization: Bearer $ORG"'
echo "$BODY" | node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{const h=JSON.parse(s);for(const e of h.entries)console.log(JSON.stringify([e.seq,e.action,e.role,e.fromState,e.toState,e.version]));for(const o of h.opinions)console.log(JSON.stringify([o.round,o.role,o.agree]))})'
expect "$(jget entries.length <<<"$BODY")/$(jget opinions.length <<<"$BODY")" 12/6 "history entries/opinions"

note "A revision of the filed plan: a new draft that goes through the procedure again"
run 201 'curl -sS -X POST "$B/api/plans/$P/revisions" -H "authorization: Bearer $BRISTOL" -H "content-type: application/json" -d "{\"version\":12,\"name\":\"bristol r2\",\"stations\":[[\"Census Tract 304\",\"Census Tract 307\"]]}"'
R2=$(jget id <<<"$BODY")
expect "$(curl -sS "$B/api/plans/$R2" -H "authorization: Bearer $ORG" | jget revision)/$(curl -sS "$B/api/plans/$R2" -H "authorization: Bearer $ORG" | jget parentId)" "2/$P" "the revision"
run 200 'curl -sS "$B/api/plans?streetOffice=44001" -H "authorization: Bearer $ORG"'

# ---------------------------------------------------------------------------------------------
note "Errors: JSON with a stable code, never a stack trace"
run 401 'curl -sS "$B/api/datasets"'
expect "$(jget code <<<"$BODY")" unauthenticated "no token"
run 403 'curl -sS -X POST "$B/api/scenarios" -H "authorization: Bearer $BRISTOL" -H "content-type: application/json" -d "{\"datasetId\":\"$RI\",\"name\":\"x\",\"streetOffices\":[\"44003\"]}"'
expect "$(jget code <<<"$BODY")" out-of-scope "another street office"
run 404 'curl -sS "$B/api/plans/nope" -H "authorization: Bearer $ORG"'
expect "$(jget code <<<"$BODY")" plan-not-found "an unknown plan"
run 422 'curl -sS -X POST "$B/api/scenarios" -H "authorization: Bearer $PLANNER" -H "content-type: application/json" -d "{\"datasetId\":\"$RI\",\"name\":\"x\",\"rules\":{\"households\":{\"min\":\"4000\"}}}"'
expect "$(jget code <<<"$BODY")" invalid-request "a string where a number goes"
run 422 'curl -sS -X POST "$B/api/datasets?name=bad" -H "authorization: Bearer $PLANNER" -H "content-type: application/geo+json" --data-binary @tests/fixtures/invalid/id-duplicate.geojson'
expect "$(jget code <<<"$BODY")" dataset-invalid "a dataset with a duplicate id"

# ---------------------------------------------------------------------------------------------
note "With the server stopped, the command line makes tokens too (printed alone on stdout)"
kill "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=
echo "\$ node dist/cli/bin.js token create --role organisation --label 'organisation dept' --data \$DATA"
TOKEN=$(node dist/cli/bin.js token create --role organisation --label 'organisation dept' --data "$DATA" 2>"$W/token-stderr") || fail "token create: $(cat "$W/token-stderr")"
[[ $TOKEN =~ ^[A-Za-z0-9_-]{43}$ ]] || fail "token create printed \"$TOKEN\""
[ ! -s "$W/token-stderr" ] || fail "token create on a used folder printed on stderr: $(cat "$W/token-stderr")"
echo "${TOKEN:0:6}…"

printf '\nwalkthrough: every step answered as expected\n'
