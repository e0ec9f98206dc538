# The CLI skeleton: help, version, suggestions, usage errors, aiwatch name.
. "$TOP/tests/e2e/lib.sh"

expect_rc "--help exits 0" 0 "$RUNLAYER" --help
contains "--help lists commands" out "commands:"
cp out help1
expect_rc "help exits 0" 0 "$RUNLAYER" help
check "help equals --help" cmp -s out help1

expect_rc "--version exits 0" 0 "$RUNLAYER" --version
check "--version prints the version" grep -Eq '^runlayer version [0-9]+\.[0-9]+\.[0-9]+$' out

ln -s "$RUNLAYER" aiwatch
expect_rc "aiwatch --version exits 0" 0 ./aiwatch --version
check "aiwatch names itself" grep -Eq '^aiwatch version ' out

expect_rc "unknown command is a usage error" 64 "$RUNLAYER" scna
contains "unknown command suggests the nearest" err "scan"
contains "unknown command names itself" err "'scna' is not a runlayer command"

expect_rc "scan --help exits 0" 0 "$RUNLAYER" scan --help
cp out scanhelp
expect_rc "help scan exits 0" 0 "$RUNLAYER" help scan
check "help scan equals scan --help" cmp -s out scanhelp
contains "scan --help lists --dry-run" out "--dry-run"

expect_rc "unknown option is a usage error" 64 "$RUNLAYER" scan --bogus
contains "unknown option names the help" err "See 'runlayer scan --help'."
expect_rc "bad number is a usage error" 64 "$RUNLAYER" scan --project-depth abc
expect_rc "bad --color value is a usage error" 64 "$RUNLAYER" version --color=sometimes

expect_rc "help debug parse exits 0" 0 "$RUNLAYER" help debug parse
contains "help debug parse shows its usage" out "debug parse"

# A closed stdout is reported, not ignored.
if "$RUNLAYER" --help >/dev/full 2>err; then fail "write error to /dev/full is detected"; else pass "write error to /dev/full is detected"; fi

done_testing
