# eosim: build, test, run the catalogue, benchmark, install.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Werror
PREFIX  ?= /usr/local
BUILD   ?= build/default

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

# sim/ holds one folder per layer (see sim/README.md); every file is built the same way.
SRCS    := $(filter-out sim/cli/main.c,$(wildcard sim/*/*.c))
OBJS    := $(SRCS:sim/%.c=$(BUILD)/%.o)
TESTS   := $(wildcard tests/*.c)

.PHONY: all run report test bench fuzz install uninstall clean

all: eosim

eosim: $(BUILD)/eosim
	cp $< $@

$(BUILD)/eosim: $(OBJS) $(BUILD)/cli/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lm

$(BUILD)/%.o: sim/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Isim -MMD -MP -c -o $@ $<

$(BUILD)/unit: $(OBJS) $(TESTS) | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -Isim -o $@ $(TESTS) $(OBJS) -lm

$(BUILD):
	mkdir -p $@

# The whole catalogue through `eosim sweep` (a file without sweep lines is a grid of one
# point): CSVs, charts and reports/index.html.
run: eosim
	./eosim sweep --out reports scenarios/*.scn
	@echo "start with the double charge: ./eosim run scenarios/gateway-response-lost.scn,"
	@echo "then its story: ./eosim explain scenarios/gateway-response-lost.scn --strategy at-least-once"

# Re-renders every chart from its gnuplot script, e.g. after editing reports/charts/style.gp;
# each image is drawn under a hidden name and renamed once whole.
report:
	@test -d reports/charts || $(MAKE) run
	cd reports/charts && for f in *.gp; do \
	    [ "$$f" = style.gp ] && continue; \
	    gnuplot -e "tmp='.tmp-'" "$$f" || exit 1; \
	    for o in .tmp-*; do [ -e "$$o" ] && mv -f "$$o" "$${o#.tmp-}"; done; \
	done

test:
	tests/run.sh

# Fuzzing (clang's libFuzzer, ASan+UBSan): the scenario harness over parse, simulate,
# report and explain, then the shard harness over merge. New inputs go to build/fuzz/,
# seeded from tests/fuzz/ and the catalogue; findings are written there as crash-* or
# timeout-* files: move each into tests/fuzz/regressions/ once fixed, and `make test`
# replays it for good. FUZZ_RUNS bounds the executions of each harness (CI uses a short
# one); FUZZ_SECONDS, when set, bounds the time instead.
FUZZ_CC   ?= clang
FUZZ_RUNS ?= 200000
FUZZ_SECONDS ?=
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isim
FUZZ_LIMIT = $(if $(FUZZ_SECONDS),-max_total_time=$(FUZZ_SECONDS),-runs=$(FUZZ_RUNS))

build/fuzz/%: tests/fuzz/%.c $(SRCS) | build/fuzz/corpus build/fuzz/shard-corpus
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(SRCS) -lm

build/fuzz/corpus build/fuzz/shard-corpus:
	mkdir -p $@

fuzz: build/fuzz/fuzz_scenario build/fuzz/fuzz_shard
	build/fuzz/fuzz_scenario -dict=tests/fuzz/scenario.dict -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build/fuzz/ $(FUZZ_LIMIT) -print_final_stats=1 \
	    build/fuzz/corpus tests/fuzz/corpus scenarios
	build/fuzz/fuzz_shard -timeout=10 -artifact_prefix=build/fuzz/shard- $(FUZZ_LIMIT) \
	    -print_final_stats=1 -close_fd_mask=2 build/fuzz/shard-corpus tests/fuzz/shard-corpus

# The harnesses without libFuzzer, for `make test` to replay the corpus and past findings.
$(BUILD)/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c $(OBJS) | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -Isim -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(OBJS) -lm

bench: eosim
	tests/bench.sh

# The man page is printed by eosim itself from the tables the parser reads.
$(BUILD)/eosim.1: $(BUILD)/eosim
	$(BUILD)/eosim help --man >$@.tmp && mv $@.tmp $@

# eosim list finds the catalogue in ../share/eosim/scenarios next to its own binary.
install: eosim $(BUILD)/eosim.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/eosim/scenarios
	install -m 755 eosim $(DESTDIR)$(PREFIX)/bin/eosim
	install -m 644 $(BUILD)/eosim.1 $(DESTDIR)$(PREFIX)/share/man/man1/eosim.1
	install -m 644 scenarios/*.scn $(DESTDIR)$(PREFIX)/share/eosim/scenarios

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/eosim $(DESTDIR)$(PREFIX)/share/man/man1/eosim.1
	rm -rf $(DESTDIR)$(PREFIX)/share/eosim

clean:
	rm -rf build eosim

-include $(OBJS:.o=.d) $(BUILD)/cli/main.d
