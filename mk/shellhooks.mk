# Rules here are read before the Makefile's own, so name the default goal.
.DEFAULT_GOAL := all

# Shell hook and completion scripts embedded into fence as byte arrays
# ($(O)/gen/embedded.c, read through shellhooks/embedded.h), so a session
# can write them into its runtime directory and 'fence completion' can
# print them without any file installed.
EMBED_FILES := $(sort $(wildcard shellhooks/*.bash shellhooks/*.zsh shellhooks/*.fish \
	shellhooks/zsh/.z*)) completions/fence.bash completions/_fence completions/fence.fish

$(O)/gen/embedded.c: $(EMBED_FILES) shellhooks/embed.sh mk/shellhooks.mk
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)shellhooks/embed.sh $@ $(EMBED_FILES)

$(O)/gen/embedded.o: $(O)/gen/embedded.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

GEN_OBJ += $(O)/gen/embedded.o
