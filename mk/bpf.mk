# eBPF programs (platform/bpf/NAME.bpf.c) built by clang into BPF objects
# and embedded into fence as bpftool skeletons ($(O)/gen/NAME.skel.h).
# vmlinux.h comes from the running kernel's BTF at build time, so CO-RE
# relocations match whatever kernel loads the program later.
.DEFAULT_GOAL := all

BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)
BPF_CLANG ?= clang
BPF_SRC := $(wildcard platform/bpf/*.bpf.c)
BPF_SKEL := $(BPF_SRC:platform/bpf/%.bpf.c=$(O)/gen/%.skel.h)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -I. -I$(O)/gen \
	-idirafter /usr/include/$(shell $(BPF_CLANG) -print-multiarch 2>/dev/null)

$(O)/gen/vmlinux.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c >$@.tmp && mv $@.tmp $@

$(O)/bpf/%.bpf.o: platform/bpf/%.bpf.c $(O)/gen/vmlinux.h platform/linux/ebpfmon-event.h mk/bpf.mk
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/gen/%.skel.h: $(O)/bpf/%.bpf.o
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name fence_$* >$@.tmp && mv $@.tmp $@

GEN_HDR += $(BPF_SKEL)
# Keep the BPF objects: bpftool reads them, and they help when debugging.
.SECONDARY: $(BPF_SRC:platform/bpf/%.bpf.c=$(O)/bpf/%.bpf.o)
