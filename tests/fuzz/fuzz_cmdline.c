/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_cmdline.c: libFuzzer target for the command-line
 * splitter and the rule check on top of it.  Any input must split without
 * a crash, a hang or a leak, and every split command must render back to
 * a string.
 */
#include <stdint.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fence_config c = { .command.use_defaults = TRI_UNSET };
	struct command_verdict v;
	struct cmdline_split s;
	char *deny[] = { "git push", "dd if=", NULL };
	char *line;

	if (size > 16384)
		return 0;
	line = xstrndup((const char *)data, size);

	cmdline_split(line, &s);
	for (size_t i = 0; i < s.n; i++)
		free(cmdline_command_to_string(&s.commands[i]));
	cmdline_split_done(&s);

	c.command.deny.v = deny;
	c.command.deny.n = 2;
	c.ssh.allowed_hosts.v = (char *[]){ "*.example.com", NULL };
	c.ssh.allowed_hosts.n = 1;
	command_check(&c, line, &v);
	command_verdict_done(&v);
	free(line);
	return 0;
}
