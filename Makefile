# sandlab build. `make` builds build/sandlab; `make check` installs what is
# missing, builds with ASan/UBSan and runs every test; `make run` opens the
# dashboard on the checkout's own lab (images/ and overlays/ here).

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS    := ncursesw vterm tickit sqlite3 uuid jansson libpcap libarchive libxml-2.0 yaml-0.1 libvirt nettle
RELEASE := 0.1

# The version: git describe in a checkout (the release number and the
# commit when no tag is there yet), else the release number.
VERSION := $(shell if [ -e .git ]; then git describe --tags --dirty 2>/dev/null || \
	echo "$(RELEASE)-g$$(git describe --always --dirty 2>/dev/null)"; fi)
VERSION := $(or $(VERSION),$(RELEASE))
VTERM_VERSION  := $(shell pkg-config --modversion vterm 2>/dev/null || echo none)
TICKIT_VERSION := $(shell pkg-config --modversion tickit 2>/dev/null || echo none)

# The core, src/, is in layers; a file includes only headers of its own
# layer or of layers below it (tests/integration/layers.sh checks this):
#
#   cli       cli, cmd, cmd-*, main  the command table (cmd.c) and its commands
#   ui/       the dashboard          (beside cli; sandlab-ui.so, which
#                                    main.c opens through cli/dashlib.c)
#   runtime   keeper, run, qmp, console, conlog, vnc, accel, expect, conwait, wire, ctl,
#             seed, qemuprobe
#   remote    remote, virt, rdom,    other hosts, through libvirt; the lab's one
#             hostconn               ssh per host
#   net       net, link, shape, labfile, clone, snapshot
#   machine   qemu, domxml           the pure QEMU argv and libvirt XML builders
#   store     db, lab, pending, image, overlay, node, nic, event, runrow, ...
#   base      util, proc, sanitize, name, bufq, ring, config, themefile
SRC_DIRS := src/base src/store src/machine src/net src/remote src/runtime src/cli

# SAN=1 builds into build/san with AddressSanitizer and UBSan.
ifeq ($(SAN),1)
B        := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
B        := build
SANFLAGS :=
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libvirt is not linked: src/remote/remote.c opens it (dl_open) when a
# host is asked, so its 40-odd libraries load in that child only; nor is
# libpcap (src/runtime/capture.c opens it for a capture), which brought
# D-Bus, systemd and libgcrypt into every command; nor are libarchive and
# libxml2 (src/base/arclib.c and xmllib.c open them for an OVA import or a
# libvirt XML): with ICU, libstdc++ and six compression libraries under
# them, their relocation was over half of a `node create`'s instructions.
# ASan resolves the real xdr_* calls it intercepts at start, so under SAN=1
# libtirpc (libvirt's xdr) must be loaded from the start or they are NULL.
# sqlite and nettle are linked from their static archives (libsqlite3-dev
# and nettle-dev ship them): each of the libraries is built with -z now
# and calls its own exported functions through its PLT, so loading
# libsqlite3.so resolved about 1,600 symbols and libnettle.so 550 at every
# start, a fifth of a `node create`'s instructions; linked in, sandlab
# takes only the objects it calls (nettle's md5 and sha256) and the linker
# resolves them once. A new sqlite then needs a rebuild of sandlab, as a
# Debian package built against a static library would; STATIC_LIBS= (empty)
# links both as shared libraries again.
STATIC_LIBS ?= sqlite3 nettle
STATIC_LINK := -Wl,-Bstatic $(STATIC_LIBS:%=-l%) -Wl,-Bdynamic -lm
# The dashboard's libraries are linked into sandlab-ui.so alone, which the
# program opens when it draws (src/cli/dashlib.h).
UI_PKGS    := ncursesw vterm tickit
UI_LIBS    := $(shell pkg-config --libs $(UI_PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libvirt libpcap libarchive libxml-2.0 $(STATIC_LIBS) $(UI_PKGS),$(PKGS)) $(if $(SANFLAGS),libtirpc) 2>/dev/null) \
	$(if $(STATIC_LIBS),$(STATIC_LINK))
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	$(SRC_DIRS:%=-I%) -Iui $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP \
	-DSANDLAB_DATADIR='"$(PREFIX)/share/sandlab"' -DSANDLAB_LIBDIR='"$(PREFIX)/lib/sandlab"'
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)

CORE_SRC := $(filter-out src/cli/main.c,$(wildcard $(SRC_DIRS:%=%/*.c)))
UI_SRC   := $(wildcard ui/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(B)/obj/%.o)
# ui/ is compiled as position-independent code, into a folder of its own,
# for sandlab-ui.so (and the unit tests of ui/ code).
UI_OBJ   := $(UI_SRC:%.c=$(B)/pic/%.o)
MAIN_OBJ := $(B)/obj/src/cli/main.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps check run bench install clean guests guests-cloud check-cloud unit tests-build fuzz FORCE mutate
all: $(B)/sandlab $(B)/sandlab-ui.so $(B)/sandlab.1

# V=1 shows the whole command lines.
Q := $(if $(V),,@)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libsandlab.a: $(CORE_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $< (PIC)")
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

# The program holds the whole core (sandlab-ui.so calls parts no command
# does) and exports to the dashboard only the core's symbols that ui/
# calls: ui.syms, the names ui/'s objects leave undefined.
$(B)/ui.syms: $(UI_OBJ)
	$(Q)nm -u $(UI_OBJ) | awk 'NF == 2 && $$1 == "U" { print "  " $$2 ";" }' | sort -u | \
		{ echo "{"; cat; echo "};"; } >$@.tmp && mv $@.tmp $@

$(B)/sandlab: $(MAIN_OBJ) $(B)/libsandlab.a $(B)/ui.syms
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -Wl,--dynamic-list=$(B)/ui.syms -o $@ $(MAIN_OBJ) \
		-Wl,--whole-archive $(B)/libsandlab.a -Wl,--no-whole-archive $(PKG_LIBS)

$(B)/sandlab-ui.so: $(UI_OBJ)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -shared -o $@ $(UI_OBJ) $(UI_LIBS)

# Only cmd-version.o sees the versions; it is rebuilt when they change.
$(B)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo "$(VERSION) $(VTERM_VERSION) $(TICKIT_VERSION)" | cmp -s - $@ || \
		echo "$(VERSION) $(VTERM_VERSION) $(TICKIT_VERSION)" >$@
$(B)/obj/src/cli/cmd-version.o: $(B)/version.stamp
$(B)/obj/src/cli/cmd-version.o: ALL_CFLAGS += -DSANDLAB_VERSION='"$(VERSION)"' \
	-DSANDLAB_VTERM_VERSION='"$(VTERM_VERSION)"' -DSANDLAB_TICKIT_VERSION='"$(TICKIT_VERSION)"'

# The themes' folder is compiled in: a new PREFIX rebuilds what uses it,
# so `make install PREFIX=/usr` installs a binary that looks in /usr.
$(B)/prefix.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo "$(PREFIX)" | cmp -s - $@ || echo "$(PREFIX)" >$@
$(B)/pic/ui/theme.o $(B)/obj/src/cli/dashlib.o: $(B)/prefix.stamp

# sandlab(1): the hand-written prologue in doc/ around the command table
# and the key table, which the binary prints.
$(B)/sandlab.1: $(B)/sandlab $(B)/sandlab-ui.so doc/sandlab.1.in doc/mkman
	@$(if $(V),,echo "  MAN     $@")
	$(Q)bash doc/mkman $(B)/sandlab doc/sandlab.1.in "$(VERSION)" >$@.tmp && mv $@.tmp $@

$(B)/tests/%: tests/unit/%.c $(B)/libsandlab.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(UI_TEST_LIB) $(B)/libsandlab.a $(PKG_LIBS) $(UI_LIBS) -lcmocka $(ALL_LDFLAGS)

# Unit tests of ui/ code (tests/unit/test_vt*.c, test_ui_*.c) also link the
# ui objects. They come from an archive, so a test pulls in only the
# objects it uses and never the dashboard's entry points.
$(B)/libsandlab-ui.a: $(UI_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^
UI_TESTS := $(filter $(B)/tests/test_vt% $(B)/tests/test_ui_%,$(UNIT_BIN))
$(UI_TESTS): $(B)/libsandlab-ui.a
$(UI_TESTS): UI_TEST_LIB := $(B)/libsandlab-ui.a

tests-build: $(B)/sandlab $(B)/sandlab-ui.so $(B)/sandlab.1 $(UNIT_BIN)

# libFuzzer targets (clang): `make fuzz`, then e.g. build/fuzz/vtcon
# -max_total_time=60. Not part of check, which runs the bounded fuzzers
# among the unit tests.
FUZZ_VTCON_SRC := tests/fuzz/vtcon.c ui/vtcon.c ui/vtfeed.c ui/scrollback.c ui/utf8.c \
	src/base/sanitize.c src/base/util.c
fuzz: build/fuzz/vtcon
build/fuzz/vtcon: $(FUZZ_VTCON_SRC) $(wildcard ui/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(Q)clang -std=c11 -D_GNU_SOURCE -g -O1 $(SRC_DIRS:%=-I%) -Iui $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -o $@ $(FUZZ_VTCON_SRC) $(PKG_LIBS) $(UI_LIBS)

# Debian packages: the build's, the tests', and the guests' (images/DEPS).
DEB_PKGS := build-essential pkg-config libncurses-dev libvterm-dev \
	libtickit-dev libsqlite3-dev uuid-dev libjansson-dev libcmocka-dev libarchive-dev libxml2-dev libyaml-dev \
	qemu-system-x86 qemu-utils tmux python3 sqlite3 procps time groff-base openssl xorriso mtools \
	openssh-client python3-yaml libpcap-dev tcpdump ncurses-term \
	nettle-dev libvirt-dev libtirpc-dev libvirt-clients libvirt-daemon-system libvirt-daemon-driver-qemu \
	openssh-server netcat-openbsd ovmf locales \
	$(shell cat images/DEPS 2>/dev/null)

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

guests:
	@bash images/build all

# The Debian 12 cloud image (minutes; cached in ~/.cache/sandlab/images by
# the hash of its recipe): not in guests, so make run does not wait for it.
# make check builds it in the background while the other tests run
# (tests/run), then boots it (tests/integration/cloud-boot.sh).
guests-cloud:
	@bash images/build cloud

# Everything runs from a fresh make so pkg-config sees the packages deps installed.
# The plain build too: -O2 sees warnings (maybe-uninitialized) the
# sanitizer build does not, and make run needs it.
check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory SAN=1 tests-build
	@$(MAKE) --no-print-directory guests
	@bash tests/run build/san

# Only the cloud image's test (the image built first if its recipe changed).
check-cloud: deps
	@$(MAKE) --no-print-directory SAN=1 tests-build
	@$(MAKE) --no-print-directory guests
	@TESTS=cloud-boot bash tests/run build/san

# Breaks the code on purpose, one mutation at a time in a copy of the
# tree, and checks that the tests meant to notice fail (tests/mutate).
# Slow, so not part of check.
mutate: deps
	@$(MAKE) --no-print-directory SAN=1 tests-build
	@$(MAKE) --no-print-directory guests
	@bash tests/mutate

run: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory guests
	@bash tests/demo-lab
	@SANDLAB_LAB=$(CURDIR) ./build/sandlab

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory guests
	@bash tests/bench/run

# Where Debian's man and bash-completion (and zsh) look under PREFIX.
MAN1DIR  := $(PREFIX)/share/man/man1
BASHCOMP := $(PREFIX)/share/bash-completion/completions
ZSHCOMP  := $(PREFIX)/share/zsh/vendor-completions

install: $(B)/sandlab $(B)/sandlab-ui.so $(B)/sandlab.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/sandlab/themes \
		$(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASHCOMP) $(DESTDIR)$(ZSHCOMP)
	install -m 0755 $(B)/sandlab $(DESTDIR)$(PREFIX)/bin/sandlab
	install -d $(DESTDIR)$(PREFIX)/lib/sandlab
	install -m 0644 $(B)/sandlab-ui.so $(DESTDIR)$(PREFIX)/lib/sandlab/sandlab-ui.so
	install -m 0644 $(B)/sandlab.1 $(DESTDIR)$(MAN1DIR)/sandlab.1
	install -m 0644 completion/sandlab.bash $(DESTDIR)$(BASHCOMP)/sandlab
	install -m 0644 completion/_sandlab $(DESTDIR)$(ZSHCOMP)/_sandlab
	for t in themes/*; do [ -f "$$t" ] && install -m 0644 "$$t" $(DESTDIR)$(PREFIX)/share/sandlab/themes/ || true; done

clean:
	rm -rf build

-include $(CORE_OBJ:.o=.d) $(UI_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
