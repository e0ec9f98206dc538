# bash and zsh completions: generated from --help (stale files fail), valid
# syntax, every command, verb and option listed, and the bash function
# completes commands, verbs, options and directory values.
. "$TOP/tests/e2e/lib.sh"

comp="$TOP/completions"
if python3 "$TOP/scripts/gen-completions.py" --runlayer "$RUNLAYER" --check >diff.out 2>gen.err; then
	pass "completions are up to date with --help"
else
	fail "completions are stale: run scripts/gen-completions.py --runlayer BIN"
	sed 's/^/#   /' gen.err diff.out | head -n 40
fi
check "bash syntax" bash -n "$comp/runlayer.bash"
if command -v zsh >/dev/null 2>&1; then
	check "zsh syntax" zsh -n "$comp/_runlayer"
	# Drive the zsh function with _describe/_arguments stubs that print
	# what they were given.
	complete_zsh() {
		cur=$1; shift
		zsh -c 'CURRENT=$1; shift; words=("$@")
			_describe() { print -rl -- ${(P)${argv[-1]}} }
			_arguments() { print -rl -- "$@" }
			source "$COMP"' zsh "$cur" "$@" >out 2>err
	}
	export COMP="$comp/_runlayer"
	complete_zsh 2 runlayer sch
	check "zsh: commands with summaries" grep -q '^schedule:run the scan periodically' out
	complete_zsh 3 runlayer schedule --in
	check "zsh: a command's option specs" grep -q '^--install\[install the schedule' out
	complete_zsh 3 runlayer inventory li
	check "zsh: verbs" grep -q '^list:' out
	complete_zsh 4 runlayer inventory list --cl
	check "zsh: a verb's option specs" grep -q '^--client\[' out
	complete_zsh 3 runlayer schedule --output-dir
	check "zsh: DIR values complete directories" grep -q "^--output-dir\[.*\]:dir:_files -/$" out
else
	echo "# zsh is not installed: zsh syntax not checked"
fi

check "both files list every command, verb and option" python3 - <<'EOF'
import os, re, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.environ["TOP"], "scripts"))
import cli_help
tree = cli_help.walk(os.environ["RUNLAYER"])
bad = 0
for f in ("runlayer.bash", "_runlayer"):
    text = open(os.path.join(os.environ["TOP"], "completions", f)).read()
    words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_-]*|--?[A-Za-z0-9][A-Za-z0-9-]*", text))
    for name, _, h, verbs in tree["commands"]:
        need = {name} | {v for v, _ in verbs}
        for n in need:
            if n not in words:
                print("# %s: %s missing" % (f, n)); bad += 1
    for key, opts in cli_help.all_options(tree).items():
        for o in opts:
            if o not in words:
                print("# %s: %s option %s missing" % (f, key, o)); bad += 1
sys.exit(1 if bad else 0)
EOF

# Drive the bash function the way bash does.
complete_bash() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_runlayer
		printf "%s\n" "${COMPREPLY[@]}"
	' sh "$comp/runlayer.bash" "$@" >out
}
mkdir -p somedir
complete_bash runlayer sch
check "commands complete" grep -qx schedule out
complete_bash runlayer schedule --in
check "options of a command complete" sh -c 'grep -qx -- --install out && grep -qx -- --interval out && [ "$(wc -l <out)" -eq 2 ]'
complete_bash runlayer inventory ""
check "verbs complete" sh -c 'grep -qx list out && grep -qx export out'
complete_bash runlayer inventory list --cl
check "options of a verb complete" grep -qx -- --client out
complete_bash runlayer schedule --output-dir some
check "a DIR value completes directories" grep -qx somedir out
complete_bash aiwatch sc
check "aiwatch is completed too" grep -qx scan out
check "registered for both names" grep -q 'complete -o filenames -F _runlayer runlayer aiwatch' "$comp/runlayer.bash"
done_testing
