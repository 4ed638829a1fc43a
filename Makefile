# heapbench - a plain GNU Makefile.  Objects go to $(BUILD), dependency files
# come from -MMD -MP.  Quiet by default; V=1 shows full commands.
#
#   make            build $(BUILD)/heapbench (release, PA_DEBUG=0)
#   make test       sanitizer build at PA_DEBUG=3, unit + command-line tests
#   make bench      install deps, build, run the default suite, write a report
#   make help       list targets and knobs
#
# Two passes.  A fresh machine has none of the libraries, and pkg-config can
# only answer once they are installed, so the outer pass (HB_INNER unset)
# knows no compile rule at all: for every goal it runs tools/deps.sh with
# that goal's package set, then re-invokes make with HB_INNER=1, whose
# flags are read after the install.  -j and other flags pass through.

ifeq ($(V),1)
Q :=
else
Q := @
endif

ifndef HB_INNER

HB_GOALS := $(if $(MAKECMDGOALS),$(MAKECMDGOALS),all)
# Goals that need nothing installed.
HB_NODEPS := help clean deps deps-%

.PHONY: $(HB_GOALS) _hb_inner
# One install and one inner make for all goals together, so `make test
# bench` and `make -j2 test` run each step once.
$(filter-out $(HB_NODEPS),$(HB_GOALS)): _hb_inner ; @:
_hb_inner:
	$(Q)bash tools/deps.sh $(filter-out $(HB_NODEPS),$(HB_GOALS))
	$(Q)$(MAKE) --no-print-directory HB_INNER=1 $(filter-out $(HB_NODEPS),$(HB_GOALS))

deps:
	$(Q)bash tools/deps.sh $(if $(DEPS_FOR),$(DEPS_FOR),test bench)
deps-%:
	$(Q)bash tools/deps.sh $*
clean:
	rm -rf $(or $(BUILD),build)
help:
	@$(MAKE) --no-print-directory HB_INNER=1 help
Makefile: ;

else # ------------------------------------------------------------ inner pass

BUILD      ?= build
CC         ?= cc
CXX        ?= c++
OPT        ?= -O2
PROFILE    ?= default
RUN        ?=
BENCH      ?= .
REPS       ?=
PROCS      ?=
COUNT      ?=
HEAPBENCH_ARGS ?=

WARN       := -Wall -Wextra -Wshadow -Wno-unused-parameter
# CFLAGS, CXXFLAGS and LDFLAGS are the user's: they add to the project's
# flags (after them, so they win), never replace them.
CFLAGS     ?=
CXXFLAGS   ?=
LDFLAGS    ?=
OPTFLAGS   := $(OPT) -g
BASE_CFLAGS := -std=gnu11 $(WARN) -pthread -I. -MMD -MP
BASE_CXXFLAGS := -std=c++17 $(WARN) -pthread -I. -MMD -MP
PKGS       := hwloc gsl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS       := $(PKG_LIBS) -lbenchmark -lpthread -lm

# Sanitizer build for tests: the top debug level, ASan + UBSan.
TBUILD     := $(BUILD)/test
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
TCFLAGS    := -O1 -g $(SAN) -DPA_DEBUG=3


ALLOC_SRC  := $(wildcard alloc/*.c)
# bench/ by part: cmd/ (the command line), source/ (where a machine comes
# from), families/ (what is measured), instrument/ (how it is measured),
# stats/ (the statistics), compare/ (how runs are compared), base/
# (helpers every part uses).
# cmd/main.c is the program, families/bench_*.c the benchmark families, the
# .cc file the only C++ (the shim).  Everything else is a library that the
# tests link too.
BENCH_MAIN := bench/cmd/main.c
BENCH_FAM  := $(wildcard bench/families/bench_*.c)
BENCH_CXX  := $(wildcard bench/*/*.cc)
BENCH_LIB  := $(filter-out $(BENCH_MAIN) $(BENCH_FAM),$(wildcard bench/*/*.c))
# The unit runner: tests/unit/*.c; the bench library minus the command that
# needs libbenchmark (cmd_bench.c and cmd_bench_chunk.c).
TEST_SRC   := $(wildcard tests/unit/*.c)
TEST_BENCH := $(filter-out bench/cmd/cmd_bench%,$(BENCH_LIB))

OBJ_ALLOC  := $(ALLOC_SRC:%.c=$(BUILD)/%.o)
OBJ_BENCH  := $(BENCH_LIB:%.c=$(BUILD)/%.o) $(BENCH_FAM:%.c=$(BUILD)/%.o) \
              $(BENCH_MAIN:%.c=$(BUILD)/%.o) $(BENCH_CXX:%.cc=$(BUILD)/%.o)
TOBJ       := $(ALLOC_SRC:%.c=$(TBUILD)/%.o) $(TEST_BENCH:%.c=$(TBUILD)/%.o) \
              $(TEST_SRC:%.c=$(TBUILD)/%.o)

.PHONY: all test bench report compare letter perf help clean fuzz soak numa-test \
        xen-check xen-build xen-bench

all: $(BUILD)/heapbench

$(BUILD)/heapbench: $(OBJ_BENCH) $(BUILD)/libpa.a
	@echo "  LINK    $@"
	$(Q)$(CXX) -pthread $(LDFLAGS) -o $@ $(OBJ_BENCH) $(BUILD)/libpa.a $(LIBS)

$(BUILD)/libpa.a: $(OBJ_ALLOC)
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(PKG_CFLAGS) $(OPTFLAGS) $(XCFLAGS) $(CFLAGS) -DPA_DEBUG=0 -c -o $@ $<

# --version: the version and the commit the binary was built from, in a
# header rewritten only when they change (so a new commit relinks, and an
# unchanged tree rebuilds nothing).
HB_VERSION := 0.4
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define HB_VERSION "%s"\n#define HB_COMMIT "%s"\n' '$(HB_VERSION)' \
	  "$$(git describe --always --dirty 2>/dev/null || echo unknown)" > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@
$(BUILD)/bench/cmd/main.o: $(BUILD)/version.h
# XCFLAGS: per-target additions of the project's own (a user's CFLAGS on
# the command line would override a target-specific CFLAGS +=).
$(BUILD)/bench/cmd/main.o: XCFLAGS += -I$(BUILD)
.PHONY: FORCE
FORCE:

# alloc/ returns through a thunk as Xen's build does (alloc/thunk.c), when
# the compiler can (GCC 8+ on x86-64).
THUNK      := $(shell [ "$$(uname -m)" = x86_64 ] && echo 'int f(void){return 0;}' | \
                $(CC) -x c -mfunction-return=thunk-extern -c -o /dev/null - 2>/dev/null && \
                echo -mfunction-return=thunk-extern)
$(OBJ_ALLOC): XCFLAGS += $(THUNK)

# The environment record names the flags the measured code was built with.
$(BUILD)/bench/instrument/envrecord.o: XCFLAGS += -DHB_CFLAGS='"$(strip $(OPTFLAGS) $(CFLAGS)) -DPA_DEBUG=0 $(THUNK)"'

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	@echo "  CXX     $<"
	$(Q)$(CXX) $(BASE_CXXFLAGS) $(PKG_CFLAGS) $(OPTFLAGS) $(CXXFLAGS) -c -o $@ $<

$(TBUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC[t]   $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(PKG_CFLAGS) $(TCFLAGS) $(CFLAGS) -c -o $@ $<

$(TBUILD)/run_tests: $(TOBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(SAN) -pthread -o $@ $(TOBJ) $(PKG_LIBS) -lpthread -lm

# The NUMA guests' in-guest helper (defined before `test`, which needs it:
# a rule's prerequisites are expanded when make reads the rule).
NUMA       ?=
NUMA_BIN   := $(BUILD)/tests/numa/placement
NUMA_LIB   := $(filter-out bench/cmd/cmd_bench%,$(BENCH_LIB))
# The model's side of xen-check (also before `test`, which runs it).
XEN_MODEL  := $(BUILD)/xen/xen-model

# ---------------------------------------------------------------------------
# Tests: unit tests under sanitizers, then the command line against the
# release binary; tests/run.sh prints the one summary line.
# ---------------------------------------------------------------------------
test: $(TBUILD)/run_tests $(BUILD)/heapbench $(NUMA_BIN) $(XEN_MODEL)
	$(Q)bash tests/run.sh $(TBUILD)/run_tests $(BUILD)/heapbench

# ---------------------------------------------------------------------------
# NUMA guests: QEMU boots Debian's kernel with NUMA=... nodes (default: two
# nodes, and four unequal ones with a memory-only node); inside, heapbench's
# NUMA paths run and are checked (tests/numa/run.sh).  `make test` runs the
# same when QEMU, a kernel and busybox are installed.
# ---------------------------------------------------------------------------

$(NUMA_BIN): $(BUILD)/tests/numa/placement.o $(NUMA_LIB:%.c=$(BUILD)/%.o) $(BUILD)/libpa.a
	@echo "  LINK    $@"
	$(Q)$(CC) -pthread -o $@ $^ $(PKG_LIBS) -lpthread -lm

numa-test: $(TBUILD)/run_tests $(BUILD)/heapbench $(NUMA_BIN)
	$(Q)bash tests/numa/run.sh $(BUILD) $(if $(NUMA),"$(NUMA)")

# ---------------------------------------------------------------------------
# Real Xen as the oracle: Debian's Xen 4.17 (fetched into $(BUILD)/xen, not
# installed) boots under QEMU on each layout of XEN_NUMA; its free blocks
# and exact instruction counts are compared with the model's (xen/README.md).
# ---------------------------------------------------------------------------
XEN_NUMA   ?=

$(XEN_MODEL): $(BUILD)/xen/model.o $(BUILD)/bench/instrument/icount.o $(BUILD)/libpa.a
	@echo "  LINK    $@"
	$(Q)$(CC) -pthread -o $@ $^ -lpthread -lm

XEN_RANDOM ?=
SEED       ?=
xen-check: $(XEN_MODEL)
	$(Q)XEN_RANDOM=$(XEN_RANDOM) SEED=$(SEED) bash xen/xen-check.sh $(BUILD) $(XEN_NUMA)

# ---------------------------------------------------------------------------
# Benchmarks and reports
# ---------------------------------------------------------------------------
bench: $(BUILD)/heapbench
	$(Q)$(BUILD)/heapbench bench --profile $(PROFILE) $(if $(REPS),--repetitions $(REPS)) $(if $(PROCS),--processes $(PROCS)) $(if $(filter 1,$(V)),--verbose) $(if $(filter 1,$(COUNT)),--count) $(HEAPBENCH_ARGS)
	$(Q)$(MAKE) --no-print-directory report
	$(Q)echo; v=$$($(BUILD)/heapbench verdict $$(bash tools/latest.sh results)) && \
	  printf '%s\n' "$$v" | awk -v width=100 -f tools/wrap.awk

report: $(BUILD)/heapbench
	$(Q)HEAPBENCH=$(BUILD)/heapbench bash plots/report.sh $(if $(RUN),$(RUN),$$(bash tools/latest.sh results))

compare: $(BUILD)/heapbench
	$(Q)test -n "$(BASE)" -a -n "$(NEW)" || { echo "usage: make compare BASE=results/A NEW=results/B" >&2; exit 2; }
	$(Q)$(BUILD)/heapbench compare $(BASE) $(NEW)
	$(Q)$(if $(filter-out 1,$(words $(BASE)) $(words $(NEW))),:,echo; v=$$($(BUILD)/heapbench verdict $(BASE) $(NEW)) && printf '%s\n' "$$v" | awk -v width=80 -f tools/wrap.awk)

# The verdict as a 72-column block for a cover letter; BASE= adds the
# changes from that run.
letter: $(BUILD)/heapbench
	$(Q)$(BUILD)/heapbench letter $(if $(RUN),$(RUN),$$(ls -d results/2*/ 2>/dev/null | tail -n 1)) $(BASE)

perf: $(BUILD)/heapbench
	$(Q)bash tools/perf.sh $(BUILD)/heapbench '$(BENCH)'

# The model under libFuzzer (ASan+UBSan, checker after every step) and a
# long random soak; neither is part of `make test` beyond a 30 s fuzz run.
FUZZ_SECONDS ?= 600
SOAK_OPS     ?= 20000000
fuzz:
	$(Q)BUILD=$(BUILD) bash tests/fuzz/run.sh $(FUZZ_SECONDS)

soak:
	$(Q)bash tests/soak/soak.sh $(SOAK_OPS)


# ---------------------------------------------------------------------------
# Real Xen, every variant: Debian's Xen 4.17 source built once per variant
# (stock, and stock plus each xen/patches/NAME.patch, or a user's XEN_PATCH),
# each in its own tree under $(BUILD)/xen/, incrementally (xen/build.sh).
# ---------------------------------------------------------------------------
XEN_PATCH    ?=
XEN_VARIANTS ?= $(if $(XEN_PATCH),stock,stock pagewise patch lazy)
XEN_BUILD_ARGS = $(XEN_VARIANTS) $(if $(XEN_PATCH),user:$(XEN_PATCH))

xen-build:
	$(Q)bash xen/build.sh $(BUILD) $(XEN_BUILD_ARGS) >/dev/null

# Every variant counted exactly on XEN_NUMA's layouts (the Xen check's
# harness): $(BUILD)/xen/variants.csv and a table against stock.
xen-bench: $(XEN_MODEL)
	$(Q)bash xen/bench.sh $(BUILD) "$(XEN_NUMA)" $(XEN_BUILD_ARGS)

help:
	@echo "targets: all test bench report compare letter perf fuzz soak numa-test"
	@echo "         xen-check xen-build xen-bench deps clean"
	@echo "knobs:   BUILD=$(BUILD) CC=$(CC) CXX=$(CXX) OPT=$(OPT) V=1"
	@echo "         CFLAGS= CXXFLAGS= LDFLAGS= (added after the project's flags)"
	@echo "         PROFILE=quick|default|full (bench)  REPS=N  PROCS=N  HEAPBENCH_ARGS=..."
	@echo "         COUNT=1 (bench: exact counts under callgrind as well, bench --count)"
	@echo "         RUN=results/... (report, letter)  BASE= NEW= (compare)  BASE= (letter)"
	@echo "         BENCH=REGEX (perf)"
	@echo "         FUZZ_SECONDS=$(FUZZ_SECONDS) (fuzz)  SOAK_OPS=$(SOAK_OPS) (soak)"
	@echo "         NUMA=\"2x2G 1536M,1536M,2G,1G:nocpu\" (numa-test: guests' nodes)"
	@echo "         XEN_NUMA=\"2x2G 1536M,2560M 4x1G\" (xen-check: Xen's layouts)"
	@echo "         XEN_RANDOM=N SEED=S (xen-check: N random layouts instead)"
	@echo "         XEN_VARIANTS=\"stock pagewise patch lazy\"  XEN_PATCH=my.patch (xen-build, xen-bench)"

clean:
	rm -rf $(BUILD)

# `make bench` ends with the report: the inner pass is already installed.

# $(BUILD)/xen/*/ are Xen's trees, whose .d files are Xen's own.
-include $(shell find $(BUILD) -path '$(BUILD)/xen/*/*' -prune -o -name '*.d' -type f -print 2>/dev/null)

endif
