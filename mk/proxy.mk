# (Included before the main rules: keep "all" the default goal.)
.DEFAULT_GOAL := all

# Test helpers that drive proxy/ directly link against the library, unlike
# the stand-alone helpers of the generic rule.
PROXY_HELPERS := $(O)/tests/helpers/proxy-serve

$(PROXY_HELPERS): $(O)/tests/helpers/%: tests/helpers/%.c $(O)/libfence.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libfence.a $(LDLIBS)
