#!/bin/sh
# itnctl name: exit codes, output and --json of validate, normalize,
# generate and url, run against the built binary.
. "$top_srcdir/tests/lib/common.sh"

ITNCTL=$top_builddir/cli/itnctl
[ -x "$ITNCTL" ] || bail "itnctl not built at $ITNCTL"

out=$ITN_TMP/out
err=$ITN_TMP/err
# run CMD...: run itnctl, keep stdout/stderr, set $rc
run() { "$ITNCTL" "$@" > "$out" 2> "$err"; rc=$?; }
# expect RC DESCRIPTION CMD...: the command exits with RC
expect() {
	_want=$1; _d=$2; shift 2
	run "$@"
	if [ "$rc" = "$_want" ]; then ok "$_d"; else not_ok "$_d (exit $rc, wanted $_want: $(cat "$err"))"; fi
}
# has FILE TEXT DESCRIPTION: FILE contains TEXT
has() { if grep -qF -- "$2" "$1"; then ok "$3"; else not_ok "$3 (got: $(cat "$1"))"; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then not_ok "$3 (got: $(cat "$1"))"; else ok "$3"; fi; }
lines() { [ "$(wc -l < "$1")" = "$2" ]; }

plan 31

expect 0 "validate accepts the RFC 3720 example" name validate iqn.2001-04.com.example:storage:diskarrays-sn-a8675309
expect 0 "validate accepts an eui. name" name validate eui.02004567A425678D
expect 0 "validate accepts a 32-digit naa. name" name validate naa.62004567BA64678D0123456789ABCDEF
expect 1 "validate refuses month 13" name validate iqn.2001-13.com.example
check "the reason is one line on stderr" lines "$err" 1
has "$err" "month 13" "the reason names the rule"
expect 1 "validate refuses an unknown type" name validate foo.bar
expect 1 "validate refuses an underscore (strict)" name validate iqn.2001-04.com.example:host_1
has "$err" "'_'" "the reason names the character"
expect 0 "validate --lenient accepts it" name validate --lenient iqn.2001-04.com.example:host_1
has "$err" "warning" "with a warning on stderr"
expect 2 "validate without a name is a usage error" name validate
expect 2 "an unknown subcommand is a usage error" name frobnicate

expect 0 "normalize folds case" name normalize IQN.2001-04.COM.Example:Disk1
check "normalize prints the normalized name" [ "$(cat "$out")" = "iqn.2001-04.com.example:disk1" ]
expect 0 "normalize applies NFKC (fullwidth digit)" name normalize "iqn.2001-04.com.example:disk$(printf '\357\274\221')"
check "fullwidth 1 became 1" [ "$(cat "$out")" = "iqn.2001-04.com.example:disk1" ]
expect 0 "normalize --json" --json name normalize EUI.02004567A425678D
has "$out" '"normalized":"eui.02004567a425678d"' "JSON carries the normalized name"
has "$out" '"type":"eui"' "JSON carries the type"
expect 1 "validate --json on a bad name still fails" name validate --json iqn.2001-00.com.x
has "$out" '"valid":false' "JSON says invalid"

expect 0 "generate with explicit parts" name generate --domain example.com --date 2001-04 --suffix disk1
check "generate builds iqn.DATE.REVERSED:SUFFIX" [ "$(cat "$out")" = "iqn.2001-04.com.example:disk1" ]
expect 0 "generate with defaults" name generate
first=$(cat "$out")
run name generate
check "generate is stable across runs" [ "$(cat "$out")" = "$first" ]
run name validate "$first"
check "the generated name is strictly valid" [ "$rc" = 0 ]
expect 1 "generate refuses a bad date" name generate --date 2001-13

expect 0 "url parses a libiscsi URL" --json name url 'iscsi://alice%TopSecret42@[::1]:3261/iqn.2001-04.com.example:t/3?header_digest=crc32c'
has "$out" '"lun":3' "url reports the LUN"
hasnt "$out" "TopSecret42" "url never prints the secret"

done_testing
