# shellcheck shell=bash
# The NAT topology (sourced by lib.sh, never run): the client sits on a
# private LAN behind a NAT router; SRV and INET are as in topo_std.
#
#   CLI   eth0 198.51.100.2/24 --- lan0 198.51.100.1/24 NATR wan0 192.0.2.254/24 --+
#         (default via .1)          nftables: UDP masqueraded to ports 30000-30999, |
#                                   UDP conntrack timeouts NAT_UDP_TIMEOUT s        +-- br0 192.0.2.1/24 in SRV
#   FORGE eth0 192.0.2.99/24 (only with `topo_nat forge`) -------------------------+
#
# CLI sends no router solicitations. NATR's table "ip natr" counts the client's UDP datagrams crossing it:
# counter "keepalives" (zero-length payload, or a 32-byte roam1 keepalive
# starting "DTKA") and counter "udp_data" (others).

NATR=${PFX}natr
FORGE=${PFX}forge
NAT_CLI_V4=198.51.100.2
NAT_IN_V4=198.51.100.1
NAT_OUT_V4=192.0.2.254
FORGE_V4=192.0.2.99
NAT_UDP_TIMEOUT=5
NAT_PORTS=30000-30999

# nat_ruleset PORT-RANGE : NATR's nftables table (replaces it as a whole)
nat_ruleset() {
	nsx "$NATR" nft -f - <<NFT
table ip natr
delete table ip natr
table ip natr {
	counter keepalives {}
	counter udp_data {}
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "lan0" udp length 8 counter name "keepalives" accept
		iifname "lan0" udp length 40 @th,64,32 0x44544b41 counter name "keepalives" accept
		iifname "lan0" udp length > 8 counter name "udp_data"
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" meta l4proto udp masquerade to :$1
		oifname "wan0" masquerade
	}
}
NFT
}

# nat_forward PORT : a static NAT on NATR: UDP PORT on wan0 goes to CLI's
# 4028 (DNAT) and CLI's 4028 leaves as PORT (SNAT)
nat_forward() {
	nsx "$NATR" nft -f - <<NFT || fail "cannot add the static port forward"
add chain ip natr prerouting { type nat hook prerouting priority dstnat; policy accept; }
add rule ip natr prerouting iifname "wan0" udp dport $1 dnat to $NAT_CLI_V4:4028
insert rule ip natr postrouting oifname "wan0" ip saddr $NAT_CLI_V4 udp sport 4028 snat to $NAT_OUT_V4:$1
NFT
}

# nat_counter NAME : packets counted so far by NATR's counter NAME
nat_counter() { nft_packets "$NATR" ip natr "$1"; }

# nat_udp_flush : forget NATR's UDP mappings (TCP, the control connection,
# stays); needs the conntrack tool
nat_udp_flush() {
	command -v conntrack >/dev/null 2>&1 || fail "conntrack not found: install the conntrack package"
	# conntrack -D exits 1 when nothing matched
	nsx "$NATR" conntrack -D -p udp >/dev/null 2>&1 || :
}

# endpoint_port LOG : the UDP port of the last "endpoint learned/moved" line
# for the NAT's address in LOG (empty when there is none)
endpoint_port() {
	grep -E 'endpoint (learned|moved)' "$1" | grep -Eo " ${NAT_OUT_V4//./\\.}:[0-9]+" |
		tail -n 1 | cut -d: -f2
}

# wait_learned TIMEOUT : wait (bounded) until dtcps logs "ng0 endpoint learned"
wait_learned() {
	wait_for_or_fail "$1" "server logs the endpoint learned" grep -q 'ng0 endpoint learned' "$TMPD/dtcps.log"
}

# topo_nat [forge] : SRV, NATR, CLI (private, behind NATR), INET (and FORGE
# on the server's bridge when asked), addressed as above
topo_nat() {
	local v
	command -v nft >/dev/null 2>&1 || fail "nft not found: install nftables"
	topo_srv_inet
	ns_new "$NATR"
	ns_new "$CLI"
	br_join n1 "$NATR" wan0 "$NAT_OUT_V4"
	veth_pair "$NATR" lan0 "$CLI" eth0
	ip -n "$NATR" addr add "$NAT_IN_V4/24" dev lan0
	ip -n "$CLI" addr add "$NAT_CLI_V4/24" dev eth0
	ip -n "$CLI" route add default via "$NAT_IN_V4" || fail "CLI default route"
	# A quiet client: no router solicitations on the tunnel interface, which
	# would otherwise refresh the NAT mapping behind the scenarios' back.
	nsx "$CLI" sysctl -qw net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 >/dev/null || fail "router_solicitations in CLI"
	nsx "$NATR" sysctl -qw net.ipv4.ip_forward=1 >/dev/null || fail "ip_forward in NATR"
	# The rules first: they load conntrack, whose sysctls then exist.
	nat_ruleset "$NAT_PORTS" || fail "nftables ruleset in NATR"
	nsx "$NATR" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$NAT_UDP_TIMEOUT" \
		net.netfilter.nf_conntrack_udp_timeout_stream="$NAT_UDP_TIMEOUT" >/dev/null ||
		fail "cannot set the UDP conntrack timeouts in NATR"
	for v in nf_conntrack_udp_timeout nf_conntrack_udp_timeout_stream; do
		[ "$(nsx "$NATR" sysctl -n "net.netfilter.$v")" = "$NAT_UDP_TIMEOUT" ] ||
			fail "net.netfilter.$v did not take effect in NATR"
		# Per namespace: a fresh namespace still has the default.
		[ "$(nsx "$SRV" sysctl -n "net.netfilter.$v" 2>/dev/null)" != "$NAT_UDP_TIMEOUT" ] ||
			fail "net.netfilter.$v is not per namespace: SRV sees NATR's value"
	done
	if [ "${1:-}" = forge ]; then
		ns_new "$FORGE"
		br_join f1 "$FORGE" eth0 "$FORGE_V4"
	fi
	wait_for 5 "CLI reaches SRV through NATR" nsx "$CLI" ping -c 1 -W 1 "$SRV_V4" ||
		fail "topology: CLI cannot ping $SRV_V4 through the NAT"
	# The topology check's ICMP mapping must not linger into the scenario.
	if command -v conntrack >/dev/null 2>&1; then
		nsx "$NATR" conntrack -F >/dev/null 2>&1
	fi
	ok "NAT topology up: $CLI $NAT_CLI_V4 behind $NATR $NAT_OUT_V4 (UDP ports $NAT_PORTS," \
		"UDP timeout ${NAT_UDP_TIMEOUT}s), $SRV${1:+ $FORGE} $INET"
}

# nat_neighbour : NB, a second host behind NATR (lan1 198.51.101.1/24 -
# NB eth0 198.51.101.2/24), whose UDP leaves with the client's public
# address: a carrier-grade-NAT neighbour
NB=${PFX}nb
NB_V4=198.51.101.2
nat_neighbour() {
	ns_new "$NB"
	veth_pair "$NATR" lan1 "$NB" eth0
	ip -n "$NATR" addr add 198.51.101.1/24 dev lan1
	ip -n "$NB" addr add "$NB_V4/24" dev eth0
	ip -n "$NB" route add default via 198.51.101.1 || fail "NB default route"
	wait_for 5 "NB reaches SRV through NATR" nsx "$NB" ping -c 1 -W 1 "$SRV_V4" ||
		fail "topology: NB cannot ping $SRV_V4 through the NAT"
}
