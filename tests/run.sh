#!/usr/bin/env bash
# tests/run.sh: everything `make test` checks. Builds eosim four ways (-O2, -O0, clang
# when present, and ASan+UBSan), runs the unit tests and every scenario under the
# sanitizers, then the end-to-end checks: parser errors, golden CSVs, determinism
# across builds and runs, and the command line's contract. Ends with one line,
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '     %s\n' "${@:2}"; }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name"; fi; }

jobs=$(nproc 2>/dev/null || echo 2)
build() { make -s -j"$jobs" "$@" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; return 1; }; }
build eosim build/default/unit || { echo "0 passed, 1 failed"; exit 1; }
build BUILD=build/asan SANITIZE=1 build/asan/eosim build/asan/unit || { echo "0 passed, 1 failed"; exit 1; }
build BUILD=build/O0 CFLAGS="-O0 -g" build/O0/eosim || { echo "0 passed, 1 failed"; exit 1; }
binaries=(./eosim build/O0/eosim)
if command -v clang >/dev/null; then
    build BUILD=build/clang CC=clang build/clang/eosim && binaries+=(build/clang/eosim)
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# 1. Unit tests, under the sanitizers.
build/asan/unit >"$tmp/unit.out" 2>"$tmp/unit.err"
unit_rc=$?
while read -r verdict name; do
    case $verdict in
        ok) pass "unit/$name" ;;
        FAIL) fail "unit/$name" ;;
    esac
done <"$tmp/unit.out"
grep -q '^unit: ' "$tmp/unit.out" || fail "unit (crashed, exit $unit_rc)" "$(tail -5 "$tmp/unit.err")"
[ -s "$tmp/unit.err" ] && grep -v '^  ' "$tmp/unit.err" | head -5
grep '^  ' "$tmp/unit.err" | head -40

# 2. Every scenario's expectations, under the sanitizers.
for f in scenarios/*.scn; do
    if out=$(build/asan/eosim run --quiet "$f" 2>&1); then pass "scenario/$(basename "$f" .scn)"
    else fail "scenario/$(basename "$f" .scn)" "$out"; fi
done

# 3. Bad scenario files: the exact first line of the error, exit 2, nothing on stdout.
for f in tests/bad/*.scn; do
    [ -e "$f" ] || continue
    want=$(sed -n '1s/^# expect: //p' "$f")
    ./eosim validate "$f" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    got=$(head -1 "$tmp/err")
    if [ $rc -eq 2 ] && [ "$got" = "$want" ] && [ ! -s "$tmp/out" ]; then pass "bad/$(basename "$f")"
    else fail "bad/$(basename "$f")" "exit $rc" "got:  $got" "want: $want"; fi
done

# 4. Golden CSVs, byte for byte.
for g in tests/golden/*.csv; do
    [ -e "$g" ] || continue
    name=$(basename "$g" .csv)
    rm -rf "$tmp/golden" && mkdir "$tmp/golden"
    ./eosim run --quiet --out "$tmp/golden" "scenarios/$name.scn" >/dev/null 2>&1
    if cmp -s "$g" "$tmp/golden/$name.csv"; then pass "golden/$name"
    else fail "golden/$name" "$(diff "$g" "$tmp/golden/$name.csv" 2>&1 | head -5)"; fi
done

# 5. Determinism: the same bytes twice, and from every build.
mkdir -p "$tmp/det"
for b in "${binaries[@]}" ./eosim; do
    d="$tmp/det/$(echo "$b" | tr '/.' '__')"
    [ -d "$d" ] && d="${d}_again"
    mkdir -p "$d"
    "$b" run --quiet --out "$d" scenarios/*.scn >/dev/null 2>&1
done
ref="$tmp/det/__eosim"
for d in "$tmp"/det/*; do
    [ "$d" = "$ref" ] && continue
    if diff -r "$ref" "$d" >/dev/null && [ -n "$(ls "$d")" ]; then pass "determinism/$(basename "$d")"
    else fail "determinism/$(basename "$d")"; fi
done

# 6. The command line's contract.
check "cli/help" ./eosim --help
check "cli/version" ./eosim --version
rc_of() { "$@" >/dev/null 2>&1; echo $?; }
[ "$(rc_of ./eosim frobnicate)" = 2 ] && pass "cli/unknown-command-exit-2" || fail "cli/unknown-command-exit-2"
[ "$(rc_of ./eosim run --bogus scenarios/*.scn)" = 2 ] && pass "cli/unknown-option-exit-2" || fail "cli/unknown-option-exit-2"
first_bad=$(ls tests/bad/*.scn 2>/dev/null | head -1)
if [ -n "$first_bad" ]; then
    rm -rf "$tmp/partial"
    rc=$(rc_of ./eosim run --out "$tmp/partial" scenarios/*.scn "$first_bad")
    [ "$rc" = 2 ] && [ -z "$(ls -A "$tmp/partial" 2>/dev/null)" ] && pass "cli/bad-input-writes-nothing" \
        || fail "cli/bad-input-writes-nothing" "exit $rc" "$(ls "$tmp/partial" 2>/dev/null)"
fi
cat >"$tmp/failing.scn" <<'SCN'
scenario failing-expectation
payments 10 every 1ms
strategies at-least-once
expect at-least-once lost > 5
SCN
./eosim run "$tmp/failing.scn" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "failing.scn:4: expectation failed: at-least-once lost > 5, got 0" "$tmp/err" \
    && pass "cli/failed-expectation-exit-1" || fail "cli/failed-expectation-exit-1" "exit $rc" "$(cat "$tmp/err")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
