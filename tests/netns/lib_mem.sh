# shellcheck shell=bash
# The memory scanner (sourced by lib.sh, never run): counts a secret in the
# writable memory of a process, to prove that it never reached an engine.

# mem_count PID STRING : how many times STRING occurs in the writable memory
# of process PID (regions over 1 GiB, such as sanitizer shadow memory, are
# skipped); used to prove that a secret never reached a process
mem_count() {
	python3 - "$1" "$2" <<'PY'
import re, sys
pid, secret = sys.argv[1], sys.argv[2].encode()
found = 0
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
        if not m or "w" not in m.group(3):
            continue
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        # Sanitizer shadow memory spans terabytes: skip what no heap,
        # stack or data segment of ours is.
        if end - start > 1 << 30:
            continue
        tail = b""
        for off in range(start, end, 1 << 20):
            try:
                mem.seek(off)
                chunk = tail + mem.read(min(1 << 20, end - off))
            except OSError:
                tail = b""
                continue
            found += chunk.count(secret)
            tail = chunk[-(len(secret) - 1):]
print(found)
PY
}

# password_only_in_parent PARENT ENGINE : fail unless PASS1 is in PARENT's
# memory (the positive control: the scan works) and nowhere in ENGINE's
password_only_in_parent() {
	local in_parent in_engine
	in_engine=$(mem_count "$2" "$PASS1")
	in_parent=$(mem_count "$1" "$PASS1")
	say "copies of the password: engine $in_engine, parent $in_parent"
	[ "$in_parent" -ge 1 ] || fail "the scan found no password in the parent either: it proves nothing"
	[ "$in_engine" = 0 ] || fail "the engine's memory holds the password $in_engine times"
	ok "the password is in the parent only"
}
