#!/bin/sh
# itn-analyze on a real capture, checked against tshark: itn-targetd with
# CHAP on loopback, dumpcap capturing while itnctl runs discover, inquiry,
# readcap, a 4 MiB write and read, and a write and read with header and
# data digests.  Then: the PDU count per opcode equals tshark's, the CHAP
# secret never appears, --stats shows the commands and their latency,
# --json lines parse, and damaged copies of the capture give a precise
# message and exit status (a truncated file: 2 and "capture damaged"; a
# byte that is no PDU: a resync; a flipped data byte: a data digest
# mismatch).  Live capture on lo, ended by --duration and by SIGTERM.
# Last, the iSNS messages of itn-targetd registering with
# itn-isnsd, counted against tshark.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/target-lib.sh"
ITNCTL=$top_builddir/cli/itnctl
ANALYZE=$top_builddir/analyzer/itn-analyze
EDIT=$top_srcdir/tests/integration/analyze-pcap-edit.py
[ -x "$ITNCTL" ] || bail "itnctl not built"
[ -x "$ANALYZE" ] || bail "itn-analyze not built"
need_cmd tshark dumpcap python3
need_root

plan 23
SECRET=analyzesecret42
targetd_start ana --target "$TGT_IQN" --lun mem:64M --chap "alice:$SECRET"
P=$ana_port
# capture_start NAME FILE PORT: dumpcap on lo for one TCP port, as NAME.
# -B: a 64 MiB kernel buffer, so that 64 KiB loopback segments are not
# dropped; -P: classic pcap format, which analyze-pcap-edit.py edits.
capture_start() {
	spawn "$1" dumpcap -q -B 64 -P -i lo -w "$2" -f "tcp port $3"
	_i=0
	while ! grep -q "Capturing on" "$ITN_TMP/$1.log" 2> /dev/null && [ $_i -lt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	grep -q "Capturing on" "$ITN_TMP/$1.log" || { sed 's/^/# /' "$ITN_TMP/$1.log"; bail "dumpcap did not start"; }
	sleep 0.5   # the filter is attached when "Capturing on" is printed; let it settle
}
# capture_stop NAME: SIGINT, and wait (bounded) until the file is complete.
capture_stop() {
	eval "_pid=\$${1}_pid"
	kill -INT "$_pid"
	_i=0
	while kill -0 "$_pid" 2> /dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
}

CAP=$ITN_TMP/cap.pcap
capture_start dumpcap "$CAP" "$P"

# The secret travels in the environment, not on a command line.
ITN_CHAP_USERNAME=alice ITN_CHAP_PASSWORD=$SECRET; export ITN_CHAP_USERNAME ITN_CHAP_PASSWORD
U=iscsi://127.0.0.1:$P/$TGT_IQN/0
head -c 4194304 /dev/urandom > "$ITN_TMP/data"
head -c 20000 /dev/urandom > "$ITN_TMP/small"
ok_io=0
timeout 30 "$ITNCTL" discover "iscsi://127.0.0.1:$P" > /dev/null &&
timeout 30 "$ITNCTL" inquiry "$U" > /dev/null &&
timeout 30 "$ITNCTL" readcap "$U" > /dev/null &&
timeout 60 "$ITNCTL" write "$U" --offset 1M < "$ITN_TMP/data" &&
timeout 60 "$ITNCTL" read "$U" --offset 1M --length 4M > "$ITN_TMP/back" &&
cmp -s "$ITN_TMP/data" "$ITN_TMP/back" &&
timeout 30 "$ITNCTL" write "$U?header_digest=crc32c&data_digest=crc32c" --offset 8M < "$ITN_TMP/small" &&
timeout 30 "$ITNCTL" read "$U?header_digest=crc32c&data_digest=crc32c" --offset 8M --length 20000 > "$ITN_TMP/small.back" &&
cmp -s "$ITN_TMP/small" "$ITN_TMP/small.back" && ok_io=1
check "itnctl discover, inquiry, readcap, write and read (with and without digests)" [ $ok_io = 1 ]
sleep 0.5
capture_stop dumpcap
check "dumpcap stopped and dropped nothing" grep -q "dropped.*: [0-9]*/0 " "$ITN_TMP/dumpcap.log"

"$ANALYZE" -r "$CAP" --port "$P" --stats > "$ITN_TMP/out.txt" 2> "$ITN_TMP/err.txt"
check "itn-analyze -r exits 0" [ $? -eq 0 ]

# PDUs per opcode: ours from --stats ("  0x01 SCSI Command   N"), tshark's
# from the iSCSI dissector on our port.  tshark calls a PDU with more than
# 256 KiB of data bogus unless told otherwise; our initiator declares
# MaxRecvDataSegmentLength 1 MiB, so the target's Data-In may be that large.
sed -n 's/^  0x\([0-9a-f][0-9a-f]\) .* \([0-9][0-9]*\)$/0x\1 \2/p' "$ITN_TMP/out.txt" | sort > "$ITN_TMP/ours"
tshark -r "$CAP" -d "tcp.port==$P,iscsi" -o iscsi.bogus_pdu_max_data_len:16777215 -Y iscsi -T fields -e iscsi.opcode 2> /dev/null |
	tr ',' '\n' | grep . | sort | uniq -c | awk '{print $2, $1}' | sort > "$ITN_TMP/theirs"
diag "ours: $(tr '\n' ' ' < "$ITN_TMP/ours")"
diag "tshark: $(tr '\n' ' ' < "$ITN_TMP/theirs")"
check "PDU count per opcode equals tshark's" cmp -s "$ITN_TMP/ours" "$ITN_TMP/theirs"
check "every opcode of the run was seen (Login, Text, SCSI Command/Response, Data-In/Out, Logout)" \
	sh -c "for o in 0x01 0x03 0x04 0x05 0x06 0x21 0x23 0x24 0x25 0x26; do grep -q \"^\$o \" '$ITN_TMP/ours' || exit 1; done"

"$ANALYZE" -r "$CAP" --port "$P" --json --stats > "$ITN_TMP/out.json" 2>&1
check "the CHAP secret appears in neither output" sh -c "! grep -qF '$SECRET' '$ITN_TMP/out.txt' '$ITN_TMP/out.json'"
check "CHAP_R and CHAP_C are shown masked" sh -c "grep -q 'CHAP_R=<hidden' '$ITN_TMP/out.txt' && grep -q 'CHAP_C=<hidden' '$ITN_TMP/out.txt'"
check "--stats counts the commands, all completed" \
	sh -c "grep -Eq '^== SCSI commands ([1-9][0-9]*), completed \\1\$' '$ITN_TMP/out.txt'"
check "--stats gives latency for INQUIRY, READ CAPACITY(16), READ(16), WRITE(16)" \
	sh -c "for c in 'all ' 'INQUIRY ' 'READ CAPACITY(16) ' 'READ(16) ' 'WRITE(16) '; do grep -q \"^  \$c.*min .* ms  avg .* ms  max .* ms\" '$ITN_TMP/out.txt' || exit 1; done"
check "a clean capture shows no protocol error" sh -c "! grep -q ' !! ' '$ITN_TMP/out.txt' && grep -q '^== protocol errors 0 ' '$ITN_TMP/out.txt'"
check "the digests negotiated at login are checked (hdigest=ok, ddigest=ok)" \
	sh -c "grep -q 'hdigest=ok' '$ITN_TMP/out.txt' && grep -q 'ddigest=ok' '$ITN_TMP/out.txt'"
pdus=$(awk '/^  0x/ {n += $NF} END {print n}' "$ITN_TMP/out.txt")
check "--json: every line parses, one object per PDU ($pdus) and a stats object" python3 -c "
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
pdus = [o for o in objs if o['kind'] == 'pdu']
stats = [o for o in objs if o['kind'] == 'stats']
assert len(pdus) == int(sys.argv[2]), len(pdus)
assert len(stats) == 1 and stats[0]['commands'] > 0 and 'WRITE(16)' in stats[0]['latency']
assert all('opcode' in o and 'flow' in o for o in pdus)
" "$ITN_TMP/out.json" "$pdus"

# Damage 1: the file cut in the middle of a packet.
size=$(stat -c %s "$CAP")
head -c $((size / 2 + 7)) "$CAP" > "$ITN_TMP/cut.pcap"
"$ANALYZE" -r "$ITN_TMP/cut.pcap" --port "$P" > "$ITN_TMP/cut.out" 2> "$ITN_TMP/cut.err"
rc=$?
diag "truncated: exit $rc, $(cat "$ITN_TMP/cut.err")"
check "a truncated capture exits 2 and says where it is damaged" \
	sh -c "[ $rc -eq 2 ] && grep -q 'cut.pcap: capture damaged after [0-9]* packets' '$ITN_TMP/cut.err'"
check "... after analysing what came before it" \
	sh -c "grep -q 'Login Response' '$ITN_TMP/cut.out' && grep -q 'SCSI Command' '$ITN_TMP/cut.out'"

# Damage 2: the opcode byte of a SCSI Command on the first normal session.
client=$(sed -n 's/^[0-9.]* 127.0.0.1:\([0-9]*\) > 127.0.0.1:[0-9]* SCSI Command .*cdb=INQUIRY.*/\1/p' "$ITN_TMP/out.txt" | head -n 1)
frame=$(python3 "$EDIT" "$CAP" "$ITN_TMP/bad-op.pcap" "$P" header "$client")
check "a SCSI Command segment to damage was found (frame ${frame:-none})" [ -n "$frame" ]
"$ANALYZE" -r "$ITN_TMP/bad-op.pcap" --port "$P" --stats > "$ITN_TMP/bad-op.out" 2>&1
rc=$?
grep 'type=' "$ITN_TMP/bad-op.out" | sed 's/^/# /'
off=$(sed -n 's/.*no initiator PDU at stream offset \([0-9]*\) (opcode byte 0xff).*/\1/p' "$ITN_TMP/bad-op.out")
check "a byte that starts no PDU: exit 0, named with its stream offset" [ $rc -eq 0 -a -n "$off" ]
check "... and the next PDU found again right after the 48 damaged bytes" \
	grep -q "resynchronised on a .* BHS at stream offset $((${off:-0} + 48)) after skipping 48 bytes" "$ITN_TMP/bad-op.out"


# Damage 3: one byte of immediate data under a data digest.
dclient=$(python3 -c "
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get('opcode') == 'Login Response' and o.get('data_digest') == 'CRC32C':
        print(o['flow'].split(' > ')[1].rsplit(':', 1)[1]); break
" "$ITN_TMP/out.json")
frame=$(python3 "$EDIT" "$CAP" "$ITN_TMP/bad-data.pcap" "$P" data "$dclient")
"$ANALYZE" -r "$ITN_TMP/bad-data.pcap" --port "$P" --stats > "$ITN_TMP/bad-data.out" 2>&1
rc=$?
grep ' !! ' "$ITN_TMP/bad-data.out" | cut -c1-200 | sed 's/^/# /'
check "a flipped data byte (frame ${frame:-none}): the SCSI Command is shown with a data digest mismatch" \
	sh -c "[ $rc -eq 0 ] && grep -q 'SCSI Command .*cdb=WRITE(16).*ddigest=mismatch !! data digest mismatch' '$ITN_TMP/bad-data.out' &&
	       grep -q '^== protocol errors 1 (digest errors 1)' '$ITN_TMP/bad-data.out'"
check "itn-targetd still running" targetd_alive ana

# Live: bounded by --duration, and stopped by SIGTERM; both print the summary.
spawn live "$ANALYZE" -i lo --duration 4 --port "$P" --stats
sleep 1
timeout 30 "$ITNCTL" inquiry "$U" > /dev/null
wait "$live_pid"
rc=$?
check "live -i lo --duration 4: exit 0, the INQUIRY and the summary shown" \
	sh -c "[ $rc -eq 0 ] && grep -q 'SCSI Command .*cdb=INQUIRY' '$ITN_TMP/live.log' && grep -q '^== SCSI commands [1-9]' '$ITN_TMP/live.log'"
spawn live2 "$ANALYZE" -i lo --port "$P" --stats --json
sleep 1
timeout 30 "$ITNCTL" readcap "$U" > /dev/null
sleep 0.5
kill -TERM "$live2_pid"
i=0
while kill -0 "$live2_pid" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "live without a bound: SIGTERM ends it with the READ CAPACITY and the summary" \
	sh -c "! kill -0 $live2_pid 2> /dev/null && grep -q '\"cdb\":\"READ CAPACITY(16)\"' '$ITN_TMP/live2.log' && grep -q '\"kind\":\"stats\"' '$ITN_TMP/live2.log'"

# iSNS: itn-targetd registering with itn-isnsd, itnctl querying it.
IP=$(free_port)
ISNSD=$top_builddir/isnsd/itn-isnsd
[ -x "$ISNSD" ] || bail "itn-isnsd not built"
spawn isnsd "$ISNSD" -f --listen "127.0.0.1:$IP" --db "$ITN_TMP/isnsdb"
wait_port "$IP" 10 || bail "itn-isnsd did not start"
ICAP=$ITN_TMP/isns.pcap
capture_start dumpcap2 "$ICAP" "$IP"
targetd_start reg --target "$TGT_IQN:reg" --lun mem:8M --isns "127.0.0.1:$IP"
i=0
until timeout 10 "$ITNCTL" discover --isns "127.0.0.1:$IP" 2> /dev/null | grep -q "$TGT_IQN:reg" || [ $i -ge 50 ]; do
	sleep 0.2; i=$((i + 1))
done
sleep 0.5
capture_stop dumpcap2
"$ANALYZE" -r "$ICAP" --isns-port "$IP" --stats > "$ITN_TMP/isns.out" 2>&1
rc=$?
ours=$(sed -n 's/^== iSNS messages \([0-9]*\)$/\1/p' "$ITN_TMP/isns.out")
theirs=$(tshark -r "$ICAP" -d "tcp.port==$IP,isns" -Y isns -T fields -e isns.functionid 2> /dev/null | grep -c .)
diag "iSNS messages: ours $ours, tshark $theirs"
check "iSNS: exit 0 and as many messages as tshark dissects ($theirs)" [ $rc -eq 0 -a "${ours:-x}" = "$theirs" -a "$theirs" -gt 0 ]
check "iSNS: the registration and its answer are decoded with their attributes" \
	sh -c "grep -q 'iSNS DevAttrReg xid=.*iscsi-name=$TGT_IQN:reg' '$ITN_TMP/isns.out' &&
	       grep -q 'iSNS DevAttrReg Response xid=.* status=Successful' '$ITN_TMP/isns.out'"
done_testing
