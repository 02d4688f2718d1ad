# Session benchmarks: the PTY driver that times attach, echo and output.
SESSION_BENCH_BIN := $(O)/tests/bench/session-pty

all: $(SESSION_BENCH_BIN)

$(SESSION_BENCH_BIN): tests/bench/session-pty.c
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lutil

# Byte-level PTY checks of the attach client, run from
# tests/interactive/session-pty.bats.
SESSION_PTY_BIN := $(O)/tests/pty/attach-harness

all: $(SESSION_PTY_BIN)

$(SESSION_PTY_BIN): tests/pty/attach-harness.c
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lutil
