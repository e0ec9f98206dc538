#!/bin/sh
# Stand-in for runlayer, runlayer-hook and aiwatch that runs the real binary
# under valgrind memcheck (installed by tests/valgrind/run.sh; see README.md).
#
# Each copy sits beside a wrap.conf (REAL_DIR, LOG_DIR, SUPP, UNSHARE). So
# that the program takes the path it was started by for its own (AT_EXECFN
# and /proc/self/exe agree: setup hooks writes this directory's runlayer-hook,
# doctor finds itself on PATH), the real binary is bind-mounted over this
# script in a private mount namespace and valgrind runs "$0" itself. Without
# unshare, valgrind runs the real binary by its own path.
self=$(readlink -f -- "$0") || exit 127
. "${self%/*}/wrap.conf" || exit 127
case ${0##*/} in
aiwatch*) real=$REAL_DIR/aiwatch ;;
*) real=$REAL_DIR/${self##*/} ;;
esac
# valgrind cannot start without a usable TMPDIR (for its own files): where a
# test points it at a missing directory, the program gets an empty one of
# its own (not /tmp, which holds whatever other programs left there).
if [ -n "${TMPDIR:-}" ] && ! { [ -d "$TMPDIR" ] && [ -w "$TMPDIR" ]; }; then
	TMPDIR=$LOG_DIR/tmp.$$
	mkdir -p "$TMPDIR" || exit 127
	export TMPDIR
fi
# valgrind keeps our pid, so $$.cmd says which command wrote $$.log.
printf '%s\n%s\n' "$PWD" "$0 $*" >"$LOG_DIR/$$.cmd"
vg="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
	--track-fds=no --quiet --num-callers=30 --error-markers=VG-ERROR-BEGIN,VG-ERROR-END
	--suppressions=$SUPP --log-file=$LOG_DIR/%p.log"
if [ "$UNSHARE" = 1 ]; then
	# shellcheck disable=SC2016
	exec unshare -m sh -c 'mount --bind "$1" "$2" || exit 127; shift 2; exec "$@"' \
		sh "$real" "$self" $vg -- "$0" "$@"
fi
exec $vg -- "$real" "$@"
