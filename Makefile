# dtcp: plain Makefile. `make` builds the programs, `make check` runs every
# test (as root), `make demo` runs the end-to-end story, `make bench`
# measures throughput.
#
# CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are the packager's (dpkg-buildflags
# sets them): they add to what the build needs, kept in DTCP_* variables, and
# never replace it, so `make CFLAGS=-O0` still builds.
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc/dtcp
LIBEXECDIR ?= $(PREFIX)/libexec/dtcp
BUILD    ?= build
PKG_CONFIG ?= pkg-config
DEFAULTDIR ?= /etc/default
# systemd units: below PREFIX, or where systemd looks when PREFIX is /usr.
ifeq ($(origin SYSTEMDUNITDIR),undefined)
ifeq ($(PREFIX),/usr)
SYSTEMDUNITDIR := $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),/usr/lib/systemd/system)
else
SYSTEMDUNITDIR := $(PREFIX)/lib/systemd/system
endif
endif

CFLAGS   ?= -O2 -g
DTCP_CPPFLAGS = -Isrc -D_GNU_SOURCE \
		-DDTCP_SYSCONFDIR='"$(SYSCONFDIR)"' \
		-DDTCP_LIBEXECDIR='"$(LIBEXECDIR)"'
DTCP_CFLAGS = -std=c11 -Wall -Wextra -Wshadow -Wformat=2 \
	      -Wstrict-prototypes -Wmissing-prototypes -Wimplicit-fallthrough \
	      -fstack-protector-strong -fstack-clash-protection -fPIE
DTCP_LDFLAGS = -pie -Wl,-z,relro,-z,now,-z,noexecstack
# Fortify needs an optimising build, and a packager's own setting wins
# (defining it twice would be a redefinition warning).
ifeq ($(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),)
ifeq ($(filter -O0,$(CFLAGS)),)
DTCP_CPPFLAGS += -D_FORTIFY_SOURCE=3
endif
endif
ifeq ($(WERROR),1)
DTCP_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
DTCP_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer
DTCP_CPPFLAGS += -DDTCP_NO_SECCOMP
DTCP_LDFLAGS += -fsanitize=address,undefined
endif

# Every library ships a .pc file; the fallback keeps a bare system working.
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null || echo $(2))
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
DTCP_LIBS   := $(call pkg_libs,libmnl,-lmnl) $(call pkg_libs,libmd,-lmd) \
	       $(call pkg_libs,libseccomp,-lseccomp)
DTCP_CPPFLAGS += $(call pkg_cflags,libmnl libmd libseccomp)
CMOCKA_LIBS := $(call pkg_libs,cmocka,-lcmocka)

COMPILE = $(CC) $(DTCP_CPPFLAGS) $(CPPFLAGS) $(DTCP_CFLAGS) $(CFLAGS)
LINK    = $(CC) $(DTCP_CFLAGS) $(CFLAGS) $(DTCP_LDFLAGS) $(LDFLAGS)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

LIB_SRC  = $(wildcard src/common/*.c src/proto/*.c src/authdb/*.c src/os/*.c src/relay/*.c)
LIB_OBJ  = $(call obj,$(LIB_SRC))
SRV_OBJ  = $(call obj,$(wildcard src/server/*.c))
CLI_OBJ  = $(call obj,$(filter-out src/client/dtcpc.c src/client/dtcpclient.c,$(wildcard src/client/*.c)))
AUTH_OBJ = $(call obj,src/tools/dtcpauth.c)
CTL_OBJ  = $(call obj,src/tools/dtcpctl.c)
PROGS    = $(BUILD)/dtcps $(BUILD)/dtcpc $(BUILD)/dtcpclient $(BUILD)/dtcpauth \
	   $(BUILD)/dtcpctl

# Unit tests: one binary per module, linking only the module under test and
# what it needs (tests/unit/units.mk lists them).
include tests/unit/units.mk
UNIT_NAMES = $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BIN   = $(UNIT_NAMES:%=$(BUILD)/tests/test_%)

# Fuzzing (clang's libFuzzer): `make fuzz` runs every target for
# FUZZ_SECONDS (long, by hand); `make fuzz-check` runs each briefly.
FUZZ_CC      ?= clang
FUZZ_FLAGS   = -g -O1 -std=c11 $(DTCP_CPPFLAGS) \
	       -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
# The pure server modules that have fuzzers of their own.
FUZZ_LIB_SRC = $(LIB_SRC) src/server/routetable.c src/server/lpm6.c \
	       src/server/keymap.c
FUZZ_LIB_OBJ = $(FUZZ_LIB_SRC:%.c=$(BUILD)/fuzz/%.o)
FUZZ_SECONDS ?= 600

.PHONY: all tests deps check unit netns-check demo bench install uninstall \
	deb clean fuzz fuzz-build fuzz-check
all: $(PROGS)
tests: $(UNIT_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(COMPILE) -MMD -MP -c $< -o $@

# Built afresh: a member whose source was removed must not linger.
$(BUILD)/libdtcp.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/dtcps: $(SRV_OBJ) $(BUILD)/libdtcp.a
	$(LINK) -o $@ $^ $(LDLIBS) $(DTCP_LIBS)
$(BUILD)/dtcpc: $(BUILD)/src/client/dtcpc.o $(CLI_OBJ) $(BUILD)/libdtcp.a
	$(LINK) -o $@ $^ $(LDLIBS) $(DTCP_LIBS)
$(BUILD)/dtcpclient: $(BUILD)/src/client/dtcpclient.o $(CLI_OBJ) $(BUILD)/libdtcp.a
	$(LINK) -o $@ $^ $(LDLIBS) $(DTCP_LIBS)
$(BUILD)/dtcpauth: $(AUTH_OBJ) $(BUILD)/libdtcp.a
	$(LINK) -o $@ $^ $(LDLIBS) $(DTCP_LIBS)
$(BUILD)/dtcpctl: $(CTL_OBJ) $(BUILD)/libdtcp.a
	$(LINK) -o $@ $^ $(LDLIBS) $(DTCP_LIBS)

define unit_rule
$(BUILD)/tests/test_$(1): $(BUILD)/tests/unit/test_$(1).o $(call obj,$(UNIT_$(1)))
	@mkdir -p $$(dir $$@)
	$$(LINK) -o $$@ $$^ $$(LDLIBS) $$(CMOCKA_LIBS) $$(DTCP_LIBS)
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call unit_rule,$(t))))

$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(BUILD)/fuzz/libdtcp-fuzz.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/libdtcp-fuzz.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(DTCP_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-check: fuzz-build
	@bash tests/fuzz/run.sh 10

# deps installs missing Debian packages (only as root, only when absent).
# check, demo and bench depend on it on purpose: the README promises that
# each works on a fresh Debian machine with one command.
deps:
	@sh scripts/install-deps.sh

# check also builds everything with clang -Werror (a second compiler's
# warnings) and with ASan+UBSan into $(BUILD)/asan; tests/run.sh then runs
# the unit and netns suites a second time on the sanitizer build.
check: deps
	@$(MAKE) --no-print-directory all tests fuzz-build
	@$(MAKE) --no-print-directory CC=clang WERROR=1 BUILD=$(BUILD)/clang all tests
	@$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(BUILD)/asan all tests
	@bash tests/run.sh

unit: all tests
	@bash tests/run.sh unit

netns-check: all
	@bash tests/run.sh netns

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tests/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bash bench/bench.sh
	@bash bench/multi.sh
	@bash bench/scale.sh

# The systemd units and /etc/default files, made from dist/*.in with the
# directories filled in.
UNITS    = $(patsubst dist/%.in,%,$(wildcard dist/*.service.in))
DEFAULTS = $(patsubst dist/%.default.in,%,$(wildcard dist/*.default.in))
DIST_SED = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	       -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g'

install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(PROGS) scripts/dtcpclient-pinger.sh $(DESTDIR)$(SBINDIR)/
	install -m 0755 scripts/dtcpclient.script $(DESTDIR)$(LIBEXECDIR)/
	@mkdir -p $(BUILD)/dist
	sed 's|/usr/local/sbin/|$(SBINDIR)/|g' scripts/dtcpclient_script.conf \
		>$(BUILD)/dist/dtcpclient_script.conf
	install -m 0644 $(BUILD)/dist/dtcpclient_script.conf \
		$(DESTDIR)$(SYSCONFDIR)/dtcpclient_script.conf.example
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(DEFAULTDIR)
	for f in $(UNITS); do \
		$(DIST_SED) dist/$$f.in >$(BUILD)/dist/$$f && \
		install -m 0644 $(BUILD)/dist/$$f $(DESTDIR)$(SYSTEMDUNITDIR)/ || exit 1; \
	done
	@for f in $(DEFAULTS); do \
		if [ -e $(DESTDIR)$(DEFAULTDIR)/$$f ]; then \
			echo "keeping $(DESTDIR)$(DEFAULTDIR)/$$f"; continue; fi; \
		$(DIST_SED) dist/$$f.default.in >$(BUILD)/dist/$$f.default && \
		install -m 0644 $(BUILD)/dist/$$f.default $(DESTDIR)$(DEFAULTDIR)/$$f && \
		echo "installed $(DESTDIR)$(DEFAULTDIR)/$$f" || exit 1; \
	done
	@if [ -z "$(DESTDIR)" ] && ! getent passwd dtcp >/dev/null; then \
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin dtcp && \
		echo "created system user dtcp for the engines of dtcps and the clients"; \
	fi

uninstall:
	rm -f $(PROGS:$(BUILD)/%=$(DESTDIR)$(SBINDIR)/%) \
		$(DESTDIR)$(SBINDIR)/dtcpclient-pinger.sh \
		$(DESTDIR)$(LIBEXECDIR)/dtcpclient.script \
		$(DESTDIR)$(SYSCONFDIR)/dtcpclient_script.conf.example \
		$(patsubst man/%,$(DESTDIR)$(MANDIR)/man8/%,$(wildcard man/*.8)) \
		$(UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%)
	@for f in $(DEFAULTS); do \
		$(DIST_SED) dist/$$f.default.in | \
		cmp -s - $(DESTDIR)$(DEFAULTDIR)/$$f && rm -f $(DESTDIR)$(DEFAULTDIR)/$$f; \
	done; :

# The Debian package (debian/), built by dpkg-buildpackage from a copy of
# the tree in $(BUILD)/deb-src so that the tree stays clean; the .deb lands
# in $(BUILD)/deb.
deb:
	rm -rf $(BUILD)/deb $(BUILD)/deb-src
	mkdir -p $(BUILD)/deb $(BUILD)/deb-src/dtcp
	tar -cf - --exclude=./.git --exclude=./build --exclude=./$(BUILD) . | \
		tar -xf - -C $(BUILD)/deb-src/dtcp
	cd $(BUILD)/deb-src/dtcp && \
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b
	mv $(BUILD)/deb-src/*.deb $(BUILD)/deb-src/*.buildinfo \
		$(BUILD)/deb-src/*.changes $(BUILD)/deb/
	rm -rf $(BUILD)/deb-src
	@ls -l $(BUILD)/deb/*.deb

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
