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

.PHONY: all run test bench install clean

all: eosim

eosim: $(BUILD)/eosim
	cp $< $@

$(BUILD)/eosim: $(OBJS) $(BUILD)/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/%.o: sim/%.c | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/unit: $(OBJS) $(TESTS) | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -Isim -o $@ $(TESTS) $(OBJS) -lm

$(BUILD):
	mkdir -p $@

run: eosim
	./eosim run --out reports scenarios/*.scn

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
