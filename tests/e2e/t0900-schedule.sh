# `runlayer schedule`: every generated file parsed by a real parser (plistlib,
# xml.etree, systemd-analyze verify + an INI parse), install/uninstall with
# fake systemctl and crontab (systemd, then the cron fallback), idempotence,
# and a canary that a secret in a program's error never reaches the log.
. "$TOP/tests/e2e/lib.sh"

export RUNLAYER_HOME="$PWD/state"
fake="$PWD/fakebin"
mkdir -p "$fake"
cat >"$fake/systemctl" <<'EOF'
#!/bin/sh
echo "systemctl $*" >>"$FAKE_DIR/calls"
if [ -f "$FAKE_DIR/systemctl-fails" ]; then
	echo "Failed to connect to bus: token=ghp_Zq7CanaryAAAAAAAAAAAAAAAAAAAAAAAAAAAA" >&2
	exit 1
fi
exit 0
EOF
cat >"$fake/crontab" <<'EOF'
#!/bin/sh
echo "crontab $*" >>"$FAKE_DIR/calls"
case "$1" in
-l) [ -f "$FAKE_DIR/crontab" ] && { cat "$FAKE_DIR/crontab"; exit 0; }
    echo "no crontab for tester" >&2; exit 1;;
-) cat >"$FAKE_DIR/crontab"; exit 0;;
esac
exit 2
EOF
chmod +x "$fake/systemctl" "$fake/crontab"
export FAKE_DIR="$PWD"

# ---- usage ---------------------------------------------------------------
expect_rc "no action is a usage error" 64 "$RUNLAYER" schedule
contains "says which actions" err "exactly one of --install, --uninstall and --print"
expect_rc "two actions are a usage error" 64 "$RUNLAYER" schedule --install --print
expect_rc "install for another OS refused" 64 "$RUNLAYER" schedule --install --os windows
contains "points at --print" err "use --print for windows"
expect_rc "bad interval" 64 "$RUNLAYER" schedule --print --interval 7x
contains "interval message" err "unknown unit"
expect_rc "90s is not whole minutes" 64 "$RUNLAYER" schedule --print --interval 90s
expect_rc "--system is Linux only" 64 "$RUNLAYER" schedule --print --os darwin --system
expect_rc "--output-dir needs --print" 64 "$RUNLAYER" schedule --install --output-dir out.x
expect_rc "--help exits 0" 0 "$RUNLAYER" schedule --help
contains "help has the usage line" out "usage: runlayer schedule --install|--uninstall|--print"

# ---- macOS plist ---------------------------------------------------------
expect_rc "print darwin" 0 "$RUNLAYER" schedule --print --os darwin --interval 1h \
	--binary "/Applications/Run & Layer/runlayer"
check "plist parses with plistlib and has the right values" python3 -c '
import plistlib, os, sys
p = plistlib.load(open("out", "rb"))
assert p["Label"] == "com.runlayer.cli.scan", p["Label"]
assert p["StartInterval"] == 3600, p["StartInterval"]
assert p["RunAtLoad"] is True
assert p["ProgramArguments"] == ["/Applications/Run & Layer/runlayer", "scan", "--quiet"], p["ProgramArguments"]
logs = os.environ["RUNLAYER_HOME"] + "/logs/"
assert p["StandardOutPath"].startswith(logs) and p["StandardErrorPath"].startswith(logs), p
'
expect_rc "print darwin default interval" 0 "$RUNLAYER" schedule --print --os darwin
check "default StartInterval is 900" python3 -c '
import plistlib; assert plistlib.load(open("out", "rb"))["StartInterval"] == 900'

# ---- Windows task XML ----------------------------------------------------
expect_rc "print windows" 0 "$RUNLAYER" schedule --print --os windows
cp out task-utf8.xml
expect_rc "windows into a directory (UTF-16)" 0 "$RUNLAYER" schedule --print --os windows \
	--interval 30m --output-dir out.d --binary 'C:\Tools\runlayer.exe'
check "task XML parses (UTF-8 and UTF-16) with the right values" python3 -c '
import xml.etree.ElementTree as ET
ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
def load(path):
    raw = open(path, "rb").read()
    return raw, ET.fromstring(raw)
raw, t = load("task-utf8.xml")
assert raw.startswith(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
assert t.find("t:Triggers/t:TimeTrigger/t:Repetition/t:Interval", ns).text == "PT15M"
# triggerBaseType is an xs:sequence: Enabled, StartBoundary, Repetition.
order = [c.tag.split("}")[1] for c in t.find("t:Triggers/t:TimeTrigger", ns)]
assert order == ["Enabled", "StartBoundary", "Repetition"], order
assert t.find("t:Settings/t:Hidden", ns).text == "true"
assert t.find("t:Settings/t:ExecutionTimeLimit", ns).text == "PT1H"
assert t.find("t:Settings/t:MultipleInstancesPolicy", ns).text == "IgnoreNew"
assert t.find("t:Actions/t:Exec/t:Arguments", ns).text == "scan --quiet"
assert t.find("t:Actions/t:Exec/t:Command", ns).text.endswith("runlayer.exe")
raw, t = load("out.d/runlayer-scan.xml")
assert raw[:2] == b"\xff\xfe", raw[:4]
assert raw.decode("utf-16").startswith("<?xml version=\"1.0\" encoding=\"UTF-16\"?>")
assert t.find("t:Triggers/t:TimeTrigger/t:Repetition/t:Interval", ns).text == "PT30M"
assert t.find("t:Actions/t:Exec/t:Command", ns).text == "C:\\Tools\\runlayer.exe"
assert t.get("version") == "1.2"
'
contains "output-dir prints the path" out "out.d/runlayer-scan.xml"

# ---- systemd units -------------------------------------------------------
expect_rc "print linux into a directory" 0 "$RUNLAYER" schedule --print --os linux \
	--output-dir units --binary "$RUNLAYER"
expect_rc "print linux --system" 0 "$RUNLAYER" schedule --print --os linux --system \
	--output-dir sysunits --binary "$RUNLAYER"
check "units parse as INI with the right keys" python3 -c '
import configparser, os
def load(p):
    c = configparser.ConfigParser(interpolation=None, strict=True)
    c.optionxform = str
    c.read(p)
    return c
for d in ("units", "sysunits"):
    s = load(d + "/runlayer-scan.service")
    t = load(d + "/runlayer-scan.timer")
    assert s["Service"]["Type"] == "oneshot"
    assert s["Service"]["ExecStart"] == os.environ["RUNLAYER"] + " scan --quiet", s["Service"]["ExecStart"]
    assert t["Timer"]["OnBootSec"] == "5min"
    assert t["Timer"]["OnUnitActiveSec"] == "15min"
    assert t["Timer"]["Persistent"] == "true"
    assert t["Timer"]["Unit"] == "runlayer-scan.service"
    assert t["Install"]["WantedBy"] == "timers.target"
assert "EnvironmentFile" not in load("units/runlayer-scan.service")["Service"]
assert load("sysunits/runlayer-scan.service")["Service"]["EnvironmentFile"] == "-/etc/runlayer/aiwatch/credentials"
'
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p rt
	check "systemd-analyze verify (system units)" sh -c \
		'systemd-analyze verify --man=no sysunits/runlayer-scan.timer sysunits/runlayer-scan.service >sa.out 2>&1 && ! grep -q . sa.out'
	check "systemd-analyze verify --user (user units)" sh -c \
		'XDG_RUNTIME_DIR="$PWD/rt" systemd-analyze --user verify --man=no units/runlayer-scan.timer units/runlayer-scan.service >sa.out 2>&1 && ! grep -q . sa.out'
	sed 's/^/#   /' sa.out
else
	echo "# skipped systemd-analyze verify: systemd-analyze is not installed"
fi
expect_rc "print linux to stdout" 0 "$RUNLAYER" schedule --print --os linux --interval 2h
contains "stdout has the service header" out "# ==> runlayer-scan.service <=="
contains "stdout has the timer span" out "OnUnitActiveSec=2h"
contains "stdout has the cron fallback" out "0 */2 * * * "

# ---- install / uninstall with systemd -------------------------------------
PATH="$fake:$PATH"
units="$HOME/.config/systemd/user"
expect_rc "install (systemd)" 0 "$RUNLAYER" schedule --install
contains "says systemd user timer" out "with the systemd user timer runlayer-scan.timer"
check "timer written" test -f "$units/runlayer-scan.timer"
check "service written" test -f "$units/runlayer-scan.service"
contains "enabled with --now" calls "systemctl --user enable --now runlayer-scan.timer"
check "unit files are 0644" sh -c "[ \"\$(stat -c %a '$units/runlayer-scan.timer')\" = 644 ]"
expect_rc "install again" 0 "$RUNLAYER" schedule --install
contains "second install changes nothing" out "(already installed)"
lacks "second install writes no file" out "wrote"
expect_rc "install --json" 0 "$RUNLAYER" schedule --install --json
check "install JSON" python3 -c '
import json; d = json.load(open("out"))
assert d["schema"] == 1 and d["method"] == "systemd" and d["changed"] is False and d["interval_seconds"] == 900, d'
expect_rc "uninstall" 0 "$RUNLAYER" schedule --uninstall
check "timer removed" test ! -e "$units/runlayer-scan.timer"
check "service removed" test ! -e "$units/runlayer-scan.service"
contains "timer disabled" calls "systemctl --user disable --now runlayer-scan.timer"
expect_rc "uninstall again" 0 "$RUNLAYER" schedule --uninstall
contains "nothing to remove" out "No scheduled scan to remove"

# ---- no systemd: cron fallback ---------------------------------------------
printf 'MAILTO=me\n0 3 * * * /usr/bin/backup\n' >./crontab
: >systemctl-fails
expect_rc "install (no systemd)" 0 "$RUNLAYER" schedule --install --interval 30m
contains "says cron" out "with a crontab line"
contains "warns it fell back" err "scheduled with cron instead"
contains "console shows what systemctl said" err "Failed to connect to bus"
check "no unit files left behind" test ! -e "$units/runlayer-scan.timer"
check "user's crontab lines kept, ours added" python3 -c '
lines = open("crontab").read().splitlines()
assert lines[0] == "MAILTO=me" and lines[1] == "0 3 * * * /usr/bin/backup", lines
assert len(lines) == 3 and lines[2].startswith("*/30 * * * * ") and "scan --quiet" in lines[2], lines
'
expect_rc "install (no systemd) again" 0 "$RUNLAYER" schedule --install --interval 30m
check "still one line of ours" sh -c '[ "$(grep -c "runlayer schedule" crontab)" -eq 1 ]'
expect_rc "uninstall (cron)" 0 "$RUNLAYER" schedule --uninstall
check "only our line removed" sh -c 'printf "MAILTO=me\n0 3 * * * /usr/bin/backup\n" | cmp -s - crontab'

# ---- the log: events recorded, the canary is not ---------------------------
expect_rc "logs --command schedule" 0 "$RUNLAYER" logs --command schedule
contains "install event logged" out "schedule_install os=linux method=systemd"
contains "cron install logged" out "method=cron interval=1800"
contains "note logged" out "schedule_note"
check "canary never in a log file" sh -c '! grep -r -q Zq7Canary "$RUNLAYER_HOME/logs"'
check "log file mode 0600" sh -c '[ "$(stat -c %a "$RUNLAYER_HOME"/logs/runlayer-v*-schedule-*.log)" = 600 ]'
check "log dir mode 0700" sh -c '[ "$(stat -c %a "$RUNLAYER_HOME/logs")" = 700 ]'
done_testing
