/* SPDX-License-Identifier: MIT */
/*
 * policy/templates.c: the built-in templates, as JSONC text.
 *
 * The contents follow the Go tool's templates so that `extends: "code"`
 * means the same in both; fence's own templates name no registry host.
 * Package registries are listed by tool in allowPackageRegistries and
 * asked from each installed tool at run time, so corporate mirrors work.
 * The texts go through the same loader as user files, and a unit test
 * loads every one of them.
 */
#include <string.h>

#include "policy/config.h"

/* Sorted by name, which is the order 'fence templates' prints. */
static const struct template_info templates[] = {
	{
		"agent-api-only",
		"like code, but only model APIs: no git hosts or registries",
		"{\n"
		"  \"allowPty\": true,\n"
		"  \"network\": {\n"
		"    \"allowedDomains\": [\n"
		"      \"api.openai.com\", \"*.anthropic.com\", \"api.githubcopilot.com\",\n"
		"      \"generativelanguage.googleapis.com\", \"api.mistral.ai\", \"api.cohere.ai\",\n"
		"      \"api.together.xyz\", \"openrouter.ai\", \"api.morphllm.com\", \"api.minimax.io\",\n"
		"      \"api.minimaxi.com\", \"*.amazonaws.com\"\n"
		"    ],\n"
		"    \"deniedDomains\": [\n"
		"      \"169.254.169.254\", \"metadata.google.internal\", \"instance-data.ec2.internal\",\n"
		"      \"statsig.anthropic.com\", \"*.sentry.io\"\n"
		"    ]\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\n"
		"      \".\", \"/tmp\", \"~/.cache/**\", \"~/.claude*\", \"~/.claude/**\", \"~/.amp\", \"~/.codex/**\",\n"
		"      \"~/.cursor/**\", \"~/.opencode/**\", \"~/.local/state/**\", \"~/.gemini/**\",\n"
		"      \"~/.factory/**\", \"~/.pi/**\", \"~/.copilot/**\", \"~/.kiro/**\",\n"
		"      \"~/Library/Application Support/kiro-cli/**\", \"~/.npm/_cacache\", \"~/.npm/_npx\",\n"
		"      \"~/.cache\", \"~/.bun/**\", \"~/.cargo/registry/**\", \"~/.cargo/git/**\",\n"
		"      \"~/.cargo/.package-cache\", \"~/.zcompdump*\", \"~/.local/share/**\", \"~/.config/**\"\n"
		"    ],\n"
		"    \"denyWrite\": [\n"
		"      \"**/.env\", \"**/.env.*\", \"**/*.key\", \"**/*.pem\", \"**/*.p12\", \"**/*.pfx\"\n"
		"    ],\n"
		"    \"denyRead\": [\n"
		"      \"~/.ssh/id_*\", \"~/.ssh/config\", \"~/.ssh/*.pem\", \"~/.gnupg/**\", \"~/.aws/**\",\n"
		"      \"~/.config/gcloud/**\", \"~/.kube/**\", \"~/.docker/**\", \"~/.pypirc\", \"~/.netrc\",\n"
		"      \"~/.git-credentials\", \"~/.cargo/credentials\", \"~/.cargo/credentials.toml\"\n"
		"    ]\n"
		"  },\n"
		"  \"command\": {\n"
		"    \"useDefaults\": true,\n"
		"    \"deny\": [\n"
		"      \"git push\", \"git reset\", \"git clean\", \"git checkout --\", \"git rebase\", \"git merge\",\n"
		"      \"npm publish\", \"pnpm publish\", \"yarn publish\", \"cargo publish\", \"twine upload\",\n"
		"      \"gem push\", \"sudo\", \"gh pr create\", \"gh pr merge\", \"gh pr close\", \"gh pr reopen\",\n"
		"      \"gh pr review\", \"gh pr comment\", \"gh release create\", \"gh release delete\",\n"
		"      \"gh repo create\", \"gh repo fork\", \"gh repo delete\", \"gh issue create\",\n"
		"      \"gh issue close\", \"gh issue comment\", \"gh gist create\", \"gh workflow run\", \"gh api\",\n"
		"      \"gh auth login\", \"gh secret set\", \"gh secret delete\", \"gh variable set\",\n"
		"      \"gh variable delete\"\n"
		"    ]\n"
		"  }\n"
		"}\n",
	},
	{
		"code",
		"coding agents: model APIs, git hosts, registries, workspace",
		"{\n"
		"  \"allowPty\": true,\n"
		"  \"network\": {\n"
		"    \"allowLocalBinding\": true,\n"
		"    \"allowLocalOutbound\": true,\n"
		"    \"allowedDomains\": [\n"
		"      \"api.openai.com\", \"*.anthropic.com\", \"api.githubcopilot.com\",\n"
		"      \"generativelanguage.googleapis.com\", \"api.mistral.ai\", \"api.cohere.ai\",\n"
		"      \"api.together.xyz\", \"openrouter.ai\", \"api.morphllm.com\", \"api.minimax.io\",\n"
		"      \"api.minimaxi.com\", \"*.amazonaws.com\", \"opencode.ai\", \"api.opencode.ai\",\n"
		"      \"ampcode.com\", \"*.ampcode.com\", \"*.factory.ai\", \"api.workos.com\", \"*.cursor.sh\",\n"
		"      \"data.charm.land\", \"catwalk.charm.sh\", \"*.githubcopilot.com\", \"github.com\",\n"
		"      \"api.github.com\", \"raw.githubusercontent.com\", \"codeload.github.com\",\n"
		"      \"objects.githubusercontent.com\", \"release-assets.githubusercontent.com\",\n"
		"      \"gitlab.com\", \"models.dev\"\n"
		"    ],\n"
		"    \"allowPackageRegistries\": [\"npm\", \"yarn\", \"pip\", \"cargo\", \"go\", \"brew\"],\n"
		"    \"deniedDomains\": [\n"
		"      \"169.254.169.254\", \"metadata.google.internal\", \"instance-data.ec2.internal\",\n"
		"      \"statsig.anthropic.com\", \"*.sentry.io\"\n"
		"    ]\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\n"
		"      \".\", \"/tmp\", \"~/.cache/**\", \"~/.claude*\", \"~/.claude/**\", \"~/.amp\", \"~/.codex/**\",\n"
		"      \"~/.cursor/**\", \"~/.opencode/**\", \"~/.local/state/**\", \"~/.gemini/**\",\n"
		"      \"~/.factory/**\", \"~/.pi/**\", \"~/.copilot/**\", \"~/.kiro/**\",\n"
		"      \"~/Library/Application Support/kiro-cli/**\", \"~/.npm/_cacache\", \"~/.npm/_npx\",\n"
		"      \"~/.cache\", \"~/.bun/**\", \"~/.cargo/registry/**\", \"~/.cargo/git/**\",\n"
		"      \"~/.cargo/.package-cache\", \"~/.zcompdump*\", \"~/.local/share/**\", \"~/.config/**\"\n"
		"    ],\n"
		"    \"denyWrite\": [\n"
		"      \"**/.env\", \"**/.env.*\", \"**/*.key\", \"**/*.pem\", \"**/*.p12\", \"**/*.pfx\"\n"
		"    ],\n"
		"    \"denyRead\": [\n"
		"      \"~/.ssh/id_*\", \"~/.ssh/config\", \"~/.ssh/*.pem\", \"~/.gnupg/**\", \"~/.aws/**\",\n"
		"      \"~/.config/gcloud/**\", \"~/.kube/**\", \"~/.docker/**\", \"~/.pypirc\", \"~/.netrc\",\n"
		"      \"~/.git-credentials\", \"~/.cargo/credentials\", \"~/.cargo/credentials.toml\"\n"
		"    ]\n"
		"  },\n"
		"  \"command\": {\n"
		"    \"useDefaults\": true,\n"
		"    \"deny\": [\n"
		"      \"git push\", \"git reset\", \"git clean\", \"git checkout --\", \"git rebase\", \"git merge\",\n"
		"      \"npm publish\", \"pnpm publish\", \"yarn publish\", \"cargo publish\", \"twine upload\",\n"
		"      \"gem push\", \"sudo\", \"gh pr create\", \"gh pr merge\", \"gh pr close\", \"gh pr reopen\",\n"
		"      \"gh pr review\", \"gh pr comment\", \"gh release create\", \"gh release delete\",\n"
		"      \"gh repo create\", \"gh repo fork\", \"gh repo delete\", \"gh issue create\",\n"
		"      \"gh issue close\", \"gh issue comment\", \"gh gist create\", \"gh workflow run\", \"gh api\",\n"
		"      \"gh auth login\", \"gh secret set\", \"gh secret delete\", \"gh variable set\",\n"
		"      \"gh variable delete\"\n"
		"    ]\n"
		"  }\n"
		"}\n",
	},
	{
		"code-relaxed",
		"like code, but every host except deniedDomains",
		"{\n"
		"  \"extends\": \"code\",\n"
		"  \"network\": {\n"
		"    \"allowedDomains\": [\"*\"]\n"
		"  }\n"
		"}\n",
	},
	{
		"code-strict",
		"like code, reads only workspace and tools, no cloud tokens",
		"{\n"
		"  \"extends\": \"code\",\n"
		"  \"filesystem\": {\n"
		"    \"defaultDenyRead\": true,\n"
		"    \"allowRead\": [\n"
		"      \".\", \"~/Library/Preferences\", \"~/.amp\", \"~/.local/share/amp\", \"~/.claude\",\n"
		"      \"~/.claude.json\", \"~/.codex\", \"~/.cursor\", \"~/.opencode\", \"~/.gemini\", \"~/.factory\",\n"
		"      \"~/.kiro\", \"~/Library/Application Support/kiro-cli\", \"~/.local/share/kiro-cli\",\n"
		"      \"~/.config\", \"~/.cache\"\n"
		"    ]\n"
		"  },\n"
		"  \"environment\": {\n"
		"    \"deny\": [\n"
		"      \"AWS_*\", \"AZURE_*\", \"ARM_CLIENT_SECRET\", \"GOOGLE_APPLICATION_CREDENTIALS\",\n"
		"      \"CLOUDSDK_*\", \"DIGITALOCEAN_ACCESS_TOKEN\", \"HCLOUD_TOKEN\", \"GITHUB_TOKEN\",\n"
		"      \"GH_TOKEN\", \"GH_ENTERPRISE_TOKEN\", \"GITHUB_ENTERPRISE_TOKEN\", \"GITLAB_TOKEN\",\n"
		"      \"CI_JOB_TOKEN\", \"NPM_TOKEN\", \"NODE_AUTH_TOKEN\", \"TWINE_*\", \"CARGO_REGISTRY_TOKEN\",\n"
		"      \"GEM_HOST_API_KEY\", \"HF_TOKEN\", \"HUGGING_FACE_HUB_TOKEN\", \"DOCKER_AUTH_CONFIG\",\n"
		"      \"VAULT_TOKEN\", \"SSH_AUTH_SOCK\", \"GPG_AGENT_INFO\"\n"
		"    ]\n"
		"  }\n"
		"}\n",
	},
	{
		"default-deny",
		"no network, writes only to /tmp, reads system and workspace",
		"{\n"
		"  \"network\": {\n"
		"    \"allowedDomains\": []\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"defaultDenyRead\": true,\n"
		"    \"allowRead\": [\".\"]\n"
		"  }\n"
		"}\n",
	},
	{
		"disable-telemetry",
		"every host except telemetry and crash reporting services",
		"{\n"
		"  \"allowPty\": true,\n"
		"  \"network\": {\n"
		"    \"allowLocalBinding\": true,\n"
		"    \"allowLocalOutbound\": true,\n"
		"    \"allowedDomains\": [\"*\"],\n"
		"    \"deniedDomains\": [\n"
		"      \"*.sentry.io\", \"*.ingest.sentry.io\", \"sentry.io\", \"*.posthog.com\", \"app.posthog.com\",\n"
		"      \"us.posthog.com\", \"eu.posthog.com\", \"*.statsig.com\", \"statsig.com\",\n"
		"      \"statsig.anthropic.com\", \"*.segment.io\", \"*.segment.com\", \"api.segment.io\",\n"
		"      \"cdn.segment.com\", \"*.amplitude.com\", \"api.amplitude.com\", \"api2.amplitude.com\",\n"
		"      \"*.mixpanel.com\", \"api.mixpanel.com\", \"*.heap.io\", \"*.heapanalytics.com\",\n"
		"      \"*.fullstory.com\", \"*.hotjar.com\", \"*.hotjar.io\", \"*.logrocket.io\",\n"
		"      \"*.logrocket.com\", \"*.bugsnag.com\", \"notify.bugsnag.com\", \"*.rollbar.com\",\n"
		"      \"api.rollbar.com\", \"*.datadog.com\", \"*.datadoghq.com\", \"*.newrelic.com\",\n"
		"      \"*.nr-data.net\", \"*.launchdarkly.com\", \"*.split.io\", \"*.pendo.io\", \"*.intercom.io\",\n"
		"      \"*.intercom.com\", \"*.appsflyer.com\", \"*.adjust.com\", \"*.branch.io\",\n"
		"      \"crashlytics.com\", \"*.crashlytics.com\", \"firebase-settings.crashlytics.com\"\n"
		"    ]\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\n"
		"      \".\", \"/tmp\", \"~/.cache/**\", \"~/.claude*\", \"~/.claude/**\", \"~/.codex/**\",\n"
		"      \"~/.npm/_cacache\", \"~/.cache\", \"~/.bun/**\", \"~/.cargo/registry/**\",\n"
		"      \"~/.cargo/git/**\", \"~/.cargo/.package-cache\", \"~/.zcompdump*\", \"~/.local/share/**\",\n"
		"      \"~/.config/**\", \"~/.opencode/**\"\n"
		"    ]\n"
		"  }\n"
		"}\n",
	},
	{
		"git-readonly",
		"no network, workspace writable except .git, no git pushes",
		"{\n"
		"  \"network\": {\n"
		"    \"allowedDomains\": []\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\".\"],\n"
		"    \"denyWrite\": [\".git\"]\n"
		"  },\n"
		"  \"command\": {\n"
		"    \"deny\": [\n"
		"      \"git push\", \"git reset\", \"git clean\", \"git checkout --\", \"git rebase\", \"git merge\"\n"
		"    ]\n"
		"  }\n"
		"}\n",
	},
	{
		"hermes",
		"like code, plus the services of the Hermes agent",
		"{\n"
		"  \"extends\": \"code\",\n"
		"  \"network\": {\n"
		"    \"allowedDomains\": [\n"
		"      \"api.deepseek.com\", \"api.x.ai\", \"api.fireworks.ai\", \"api.groq.com\",\n"
		"      \"api.cerebras.ai\", \"api.huggingface.co\", \"api.telegram.org\", \"discord.com\",\n"
		"      \"*.discord.com\", \"discordapp.com\", \"slack.com\", \"*.slack.com\", \"graph.facebook.com\",\n"
		"      \"graph.whatsapp.com\", \"open.feishu.cn\", \"open.larksuite.com\", \"qyapi.weixin.qq.com\",\n"
		"      \"*.dingtalkapps.com\", \"*.dingtalk.com\", \"matrix.org\", \"*.matrix.org\",\n"
		"      \"api.tavily.com\", \"api.firecrawl.dev\", \"api.serper.dev\", \"api.exa.ai\",\n"
		"      \"*.duckduckgo.com\", \"api.honcho.dev\", \"api.mem0.ai\", \"api.supermemory.ai\",\n"
		"      \"api.elevenlabs.io\", \"api.deepgram.com\", \"api.replicate.com\", \"fal.run\", \"*.fal.ai\"\n"
		"    ]\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\"~/.hermes/**\", \"~/hermes-workspace/**\"]\n"
		"  }\n"
		"}\n",
	},
	{
		"local-dev-server",
		"localhost only, workspace and /tmp writable",
		"{\n"
		"  \"network\": {\n"
		"    \"allowLocalBinding\": true,\n"
		"    \"allowLocalOutbound\": true\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\".\", \"/tmp\"]\n"
		"  }\n"
		"}\n",
	},
	{
		"npm-install",
		"npm's configured registry, workspace and npm caches",
		"{\n"
		"  \"network\": {\n"
		"    \"allowedDomains\": [],\n"
		"    \"allowPackageRegistries\": [\"npm\"]\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\n"
		"      \".\", \"/tmp\", \"~/.npm/_cacache\", \"~/.npm/_npx\", \"~/.cache/node-gyp\",\n"
		"      \"~/Library/Caches/node-gyp\"\n"
		"    ]\n"
		"  },\n"
		"  \"command\": {\n"
		"    \"deny\": [\"npm publish\", \"npm unpublish\"]\n"
		"  }\n"
		"}\n",
	},
	{
		"pip-install",
		"pip's configured index, workspace and pip cache",
		"{\n"
		"  \"network\": {\n"
		"    \"allowedDomains\": [],\n"
		"    \"allowPackageRegistries\": [\"pip\"]\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\".\", \"/tmp\", \"~/.cache/pip\", \"~/Library/Caches/pip\"]\n"
		"  },\n"
		"  \"command\": {\n"
		"    \"deny\": [\"twine upload\"]\n"
		"  }\n"
		"}\n",
	},
	{
		"workspace-write",
		"no network, workspace and /tmp writable",
		"{\n"
		"  \"network\": {\n"
		"    \"allowedDomains\": []\n"
		"  },\n"
		"  \"filesystem\": {\n"
		"    \"allowWrite\": [\".\", \"/tmp\"]\n"
		"  }\n"
		"}\n",
	},
};

const struct template_info *config_templates(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(templates);
	return templates;
}

const struct template_info *config_template_find(const char *name)
{
	size_t k = strlen(name);

	/* "code.json" names the template "code", as in the Go tool. */
	if (k > 5 && strcmp(name + k - 5, ".json") == 0)
		k -= 5;
	for (size_t i = 0; i < ELEMENTSOF(templates); i++)
		if (strlen(templates[i].name) == k && strncmp(templates[i].name, name, k) == 0)
			return &templates[i];
	return NULL;
}
