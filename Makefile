# heapbench - a plain GNU Makefile.  Objects go to $(BUILD), dependency files
# come from -MMD -MP.  Quiet by default; V=1 shows full commands.
#
#   make            build $(BUILD)/heapbench (release, PA_DEBUG=0)
#   make test       sanitizer build at PA_DEBUG=3, unit + command-line tests
#   make bench      install deps, build, run the default suite, write a report
#   make help       list targets and knobs

BUILD      ?= build
CC         ?= cc
CXX        ?= c++
OPT        ?= -O2
PROFILE    ?= default
RUN        ?=
BENCH      ?= .
REPS       ?=
HEAPBENCH_ARGS ?=

WARN       := -Wall -Wextra -Wshadow -Wno-unused-parameter
CFLAGS     ?= $(OPT) -g
CXXFLAGS   ?= $(OPT) -g
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

ifeq ($(V),1)
Q :=
else
Q := @
endif

ALLOC_SRC  := $(wildcard alloc/*.c)
# bench/: main.c is the command line, bench_*.c the benchmark families, the
# .cc file the only C++ (the shim).  Everything else is a library that the
# tests link too.
BENCH_MAIN := bench/main.c
BENCH_FAM  := $(wildcard bench/bench_*.c)
BENCH_CXX  := $(wildcard bench/*.cc)
BENCH_LIB  := $(filter-out $(BENCH_MAIN) $(BENCH_FAM),$(wildcard bench/*.c))
# The unit runner: every tests/*.c but the soak (its own program); the
# bench library minus the command that needs libbenchmark.
TEST_SRC   := $(filter-out tests/soak.c,$(wildcard tests/*.c))
TEST_BENCH := $(filter-out bench/cmd_bench.c,$(BENCH_LIB))

OBJ_ALLOC  := $(ALLOC_SRC:%.c=$(BUILD)/%.o)
OBJ_BENCH  := $(BENCH_LIB:%.c=$(BUILD)/%.o) $(BENCH_FAM:%.c=$(BUILD)/%.o) \
              $(BENCH_MAIN:%.c=$(BUILD)/%.o) $(BENCH_CXX:%.cc=$(BUILD)/%.o)
TOBJ       := $(ALLOC_SRC:%.c=$(TBUILD)/%.o) $(TEST_BENCH:%.c=$(TBUILD)/%.o) \
              $(TEST_SRC:%.c=$(TBUILD)/%.o)

.PHONY: all test bench report compare perf deps help clean fuzz soak

all: $(BUILD)/heapbench

$(BUILD)/heapbench: $(OBJ_BENCH) $(BUILD)/libpa.a
	@echo "  LINK    $@"
	$(Q)$(CXX) -pthread -o $@ $(OBJ_BENCH) $(BUILD)/libpa.a $(LIBS)

$(BUILD)/libpa.a: $(OBJ_ALLOC)
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(PKG_CFLAGS) $(CFLAGS) -DPA_DEBUG=0 -c -o $@ $<

# The environment record names the flags the measured code was built with.
$(BUILD)/bench/cmd_bench.o: CFLAGS += -DHB_CFLAGS='"$(OPT) -g -DPA_DEBUG=0"'

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	@echo "  CXX     $<"
	$(Q)$(CXX) $(BASE_CXXFLAGS) $(PKG_CFLAGS) $(CXXFLAGS) -c -o $@ $<

$(TBUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC[t]   $<"
	$(Q)$(CC) $(BASE_CFLAGS) $(PKG_CFLAGS) $(TCFLAGS) -c -o $@ $<

$(TBUILD)/run_tests: $(TOBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(SAN) -pthread -o $@ $(TOBJ) $(PKG_LIBS) -lpthread -lm

# ---------------------------------------------------------------------------
# Tests: unit tests under sanitizers, then the command line against the
# release binary; tests/run.sh prints the one summary line.
# ---------------------------------------------------------------------------
test: deps $(TBUILD)/run_tests $(BUILD)/heapbench
	$(Q)bash tests/run.sh $(TBUILD)/run_tests $(BUILD)/heapbench

# ---------------------------------------------------------------------------
# Benchmarks and reports
# ---------------------------------------------------------------------------
bench: deps $(BUILD)/heapbench
	$(Q)$(BUILD)/heapbench bench --profile $(PROFILE) $(if $(REPS),--repetitions $(REPS)) $(HEAPBENCH_ARGS)
	$(Q)$(MAKE) --no-print-directory report

report: $(BUILD)/heapbench
	$(Q)bash plots/report.sh $(if $(RUN),$(RUN),$$(ls -d results/2*/ 2>/dev/null | tail -n 1))

compare: $(BUILD)/heapbench
	$(Q)test -n "$(BASE)" -a -n "$(NEW)" || { echo "usage: make compare BASE=results/A NEW=results/B" >&2; exit 2; }
	$(Q)$(BUILD)/heapbench compare $(BASE) $(NEW)

perf: deps $(BUILD)/heapbench
	$(Q)bash bench/perf.sh $(BUILD)/heapbench '$(BENCH)'

# The model under libFuzzer (ASan+UBSan, checker after every step) and a
# long random soak; neither is part of `make test` beyond a 30 s fuzz run.
FUZZ_SECONDS ?= 600
SOAK_OPS     ?= 20000000
fuzz: deps
	$(Q)bash tests/fuzz/run.sh $(FUZZ_SECONDS)

soak: deps
	$(Q)bash tests/soak.sh $(SOAK_OPS)

# Install what is missing: apt-get when root, else print the command.
deps:
	$(Q)bash tools/deps.sh

help:
	@echo "targets: all test bench report compare perf fuzz soak deps clean"
	@echo "knobs:   BUILD=$(BUILD) CC=$(CC) CXX=$(CXX) OPT=$(OPT) V=1"
	@echo "         PROFILE=quick|default|full (bench)  REPS=N  HEAPBENCH_ARGS=..."
	@echo "         RUN=results/... (report)  BASE= NEW= (compare)  BENCH=REGEX (perf)"
	@echo "         FUZZ_SECONDS=$(FUZZ_SECONDS) (fuzz)  SOAK_OPS=$(SOAK_OPS) (soak)"

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
