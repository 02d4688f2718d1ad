# Session benchmarks: the PTY driver that times attach, echo and output.
SESSION_BENCH_BIN := $(O)/tests/bench/session-pty

all: $(SESSION_BENCH_BIN)

$(SESSION_BENCH_BIN): tests/bench/session-pty.c
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lutil
