# Shared helpers for end-to-end tests (sourced). Provides TAP counters,
# assertions and golden-file comparison (UPDATE_GOLDEN=1 rewrites goldens).
n=0
failures=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }

# check DESC CMD...: passes when the command succeeds.
check() {
	desc=$1; shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# expect_rc DESC WANT CMD...: runs CMD (stdout → out, stderr → err).
expect_rc() {
	desc=$1; want=$2; shift 2
	"$@" >out 2>err
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$desc"
	else
		fail "$desc (exit $got, want $want)"
		sed 's/^/#   stderr: /' err | head -n 20
	fi
}

# golden DESC FILE GOLDEN: compares FILE with the golden copy.
golden() {
	desc=$1; file=$2; gold=$3
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$(dirname "$gold")"
		cp "$file" "$gold"
		pass "$desc (golden updated)"
	elif diff -u "$gold" "$file" >diff.out 2>&1; then
		pass "$desc"
	else
		fail "$desc"
		sed 's/^/#   /' diff.out | head -n 60
	fi
}

# contains DESC FILE TEXT / lacks DESC FILE TEXT
contains() { if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1 ('$3' not in $2)"; fi; }
lacks() { if grep -qF -- "$3" "$2"; then fail "$1 ('$3' found in $2)"; else pass "$1"; fi; }

done_testing() {
	echo "1..$n"
	echo "# $((n - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
}
