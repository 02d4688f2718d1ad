/* SPDX-License-Identifier: MIT */
/*
 * proxy/ask.c: holding a request that no rule covers while the user is
 * asked (network.onBlocked "ask").
 *
 * The held request stays in its connection's buffer with reading stopped.
 * The answer is stored on the connection and the protocol re-runs the
 * request, which then takes the answer instead of asking again.  The ask
 * outlives its connection when the client goes away first: the
 * connection only unhooks itself, and the answer then frees the ask.
 */
#include "proxy/internal.h"

struct proxy_ask {
	struct conn *conn; /* borrowed; NULL once the connection closed */
	void (*resume)(struct conn *c);
	bool in_call; /* inside the ask callback: an answer now is returned, not resumed */
};

void proxy_set_ask(struct proxy *p, proxy_ask_fn fn, void *userdata)
{
	p->ask_fn = fn;
	p->ask_userdata = userdata;
}

enum proxy_ask_result proxy_ask_hold(struct conn *c, enum proxy_source source,
				     const struct domain_host *host, int port,
				     void (*resume)(struct conn *c))
{
	struct proxy *p = c->proxy;
	struct proxy_ask *ask;

	if (c->ask_answer) {
		enum proxy_ask_result r = (enum proxy_ask_result)c->ask_answer;

		c->ask_answer = 0; /* one answer is good for one request */
		return r;
	}
	if (!p || !p->ask_fn || c->ask)
		return PROXY_ASK_NONE;
	ask = xcalloc(1, sizeof(*ask));
	ask->conn = c;
	ask->resume = resume;
	c->ask = ask;
	ask->in_call = true;
	p->ask_fn(ask, source, host->name, port, p->ask_userdata);
	if (!c->ask) {
		/* Answered during the call: the ask is freed, the answer waits on c. */
		enum proxy_ask_result r = (enum proxy_ask_result)c->ask_answer;

		c->ask_answer = 0;
		return r;
	}
	ask->in_call = false;
	conn_read_stop(&c->client);
	return PROXY_ASK_HELD;
}

void proxy_ask_detach(struct conn *c)
{
	if (c->ask)
		c->ask->conn = NULL;
	c->ask = NULL;
}

void proxy_ask_answer(struct proxy_ask *ask, bool allow)
{
	struct conn *c = ask->conn;

	if (c && !c->closing) {
		c->ask = NULL;
		c->ask_answer = allow ? PROXY_ASK_ALLOW : PROXY_ASK_DENY;
		if (!ask->in_call)
			ask->resume(c);
	} else if (c) {
		c->ask = NULL;
	}
	free(ask);
}
