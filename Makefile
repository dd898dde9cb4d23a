# dtcp: plain Makefile. `make` builds, `make check` runs every test (as root),
# `make demo` runs the end-to-end story, `make bench` measures throughput.
CC       ?= cc
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc/dtcp
LIBEXECDIR ?= $(PREFIX)/libexec/dtcp
BUILD    ?= build

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 \
	    -Wstrict-prototypes -Wmissing-prototypes -Wimplicit-fallthrough \
	    -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE \
	    -Isrc -DDTCP_SYSCONFDIR='"$(SYSCONFDIR)"' \
	    -DDTCP_LIBEXECDIR='"$(LIBEXECDIR)"'
LDFLAGS  += -pie -Wl,-z,relro,-z,now
ifeq ($(WERROR),1)
CFLAGS   += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -DDTCP_NO_SECCOMP
LDFLAGS  += -fsanitize=address,undefined
endif
LIBS     = -lmnl -lmd -lseccomp

LIB_SRC  = $(wildcard src/common/*.c src/proto/*.c src/authdb/*.c src/os/*.c src/relay/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
SRV_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/server/*.c))
CLI_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(filter-out src/client/dtcpc.c src/client/dtcpclient.c,$(wildcard src/client/*.c)))
AUTH_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/tools/*.c))
PROGS    = $(BUILD)/dtcps $(BUILD)/dtcpc $(BUILD)/dtcpclient $(BUILD)/dtcpauth
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Unit tests may also test server and client modules without their main().
SRV_LIB_OBJ = $(filter-out $(BUILD)/src/server/main.o,$(SRV_OBJ)) $(CLI_OBJ)

# Fuzzing (clang's libFuzzer): `make fuzz` runs every target for
# FUZZ_SECONDS (long, by hand); `make fuzz-check` runs each briefly.
FUZZ_CC      ?= clang
FUZZ_FLAGS   = -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -DDTCP_SYSCONFDIR='"$(SYSCONFDIR)"' \
	       -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/fuzz/%.o)
FUZZ_SECONDS ?= 600

.PHONY: all deps check unit netns-check demo bench install clean fuzz fuzz-build fuzz-check
all: $(PROGS) $(UNIT_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libdtcp.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/dtcps: $(SRV_OBJ) $(BUILD)/libdtcp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/dtcpc: $(BUILD)/src/client/dtcpc.o $(CLI_OBJ) $(BUILD)/libdtcp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/dtcpclient: $(BUILD)/src/client/dtcpclient.o $(CLI_OBJ) $(BUILD)/libdtcp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/dtcpauth: $(AUTH_OBJ) $(BUILD)/libdtcp.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(SRV_LIB_OBJ) $(BUILD)/libdtcp.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) -lcmocka

$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(BUILD)/fuzz/libdtcp-fuzz.a: $(FUZZ_LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/libdtcp-fuzz.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-check: fuzz-build
	@bash tests/fuzz/run.sh 10

# deps installs missing Debian packages (only as root, only when absent).
deps:
	@sh scripts/install-deps.sh

# check also builds everything again with ASan+UBSan into $(BUILD)/asan;
# tests/run.sh then runs the unit and netns suites a second time on it.
check: deps
	@$(MAKE) --no-print-directory all fuzz-build
	@$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(BUILD)/asan all
	@bash tests/run.sh

unit: all
	@bash tests/run.sh unit

netns-check: all
	@bash tests/run.sh netns

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tests/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bash bench/bench.sh

install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(PROGS) scripts/dtcpclient-pinger.sh $(DESTDIR)$(SBINDIR)/
	install -m 0755 scripts/dtcpclient.script $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 scripts/dtcpclient_script.conf \
		$(DESTDIR)$(SYSCONFDIR)/dtcpclient_script.conf.example
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	@if [ -z "$(DESTDIR)" ] && ! getent passwd dtcp >/dev/null; then \
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin dtcp && \
		echo "created system user dtcp for the engines of dtcps and the clients"; \
	fi

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
