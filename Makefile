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

SRCS    := $(filter-out sim/main.c,$(wildcard sim/*.c))
OBJS    := $(SRCS:sim/%.c=$(BUILD)/%.o)
TESTS   := $(wildcard tests/*.c)

.PHONY: all run report test bench install clean

all: eosim

eosim: $(BUILD)/eosim
	cp $< $@

$(BUILD)/eosim: $(OBJS) $(BUILD)/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lm

$(BUILD)/%.o: sim/%.c | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/unit: $(OBJS) $(TESTS) | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -Isim -o $@ $(TESTS) $(OBJS) -lm

$(BUILD):
	mkdir -p $@

# The whole catalogue through `eosim sweep` (a file without sweep lines is a grid of one
# point): CSVs, charts and reports/index.html.
run: eosim
	./eosim sweep --out reports scenarios/*.scn

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

bench: eosim
	tests/bench.sh

install: eosim
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 eosim $(DESTDIR)$(PREFIX)/bin/eosim

clean:
	rm -rf build eosim

-include $(OBJS:.o=.d) $(BUILD)/main.d
