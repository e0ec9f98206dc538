/* The client catalog as data: config paths per OS, project files, server
 * containers and dialects, for every client in clients.md. */
#include "discover/catalog.h"

#include <string.h>

#include "util/banned.h"

#define END { 0, NULL, 0 }
#define NOPROJ empty_projects

static const char *const empty_projects[] = { NULL };

const char *const catalog_vscode_forks[] = {
	"Code", "Code - Insiders", "VSCodium", "Code - OSS", "Cursor", "Windsurf", "Kiro",
	"Trae", "Antigravity", "Antigravity IDE", "Void", NULL
};

const char *const catalog_vscode_user_dirs[] = {
	".vscode-server/data/User", ".vscode-server-insiders/data/User",
	".cursor-server/data/User", ".windsurf-server/data/User",
	"snap/code/current/.config/Code/User", ".var/app/com.visualstudio.code/config/Code/User",
	NULL
};

const char *const catalog_crawl_excludes[] = {
	"node_modules", ".git", "venv", ".venv", "__pycache__", "dist", "build", "target",
	"vendor", "Library/Caches", "Library/Application Support", "Library/Mobile Documents",
	"Library/CloudStorage", "AppData", ".Trash", "tmp", "temp", ".cache", ".npm", ".yarn",
	".claude/plugins", ".codex/plugins", ".cursor/plugins", ".gemini/extensions",
	NULL
};

/* Claude Code */
static const struct cat_path claude_code_paths[] = {
	{ CAT_ALL, "{env:CLAUDE_CONFIG_DIR|~}/.claude.json", 0 },
	{ CAT_ALL, "~/.claude/.config.json", 0 },
	{ CAT_LINUX, "/etc/claude-code/managed-mcp.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_DARWIN, "/Library/Application Support/ClaudeCode/managed-mcp.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_WINDOWS, "{PROGRAMFILES}/ClaudeCode/managed-mcp.json", CAT_MANAGED | CAT_SYSTEM },
	END
};
static const char *const claude_code_proj[] = { ".mcp.json", NULL };

static const struct cat_path claude_desktop_paths[] = {
	{ CAT_ALL, "{AS}/Claude/claude_desktop_config.json", 0 },
	END
};

static const struct cat_path cursor_paths[] = {
	{ CAT_ALL, "~/.cursor/mcp.json", 0 },
	END
};
static const char *const cursor_proj[] = { ".cursor/mcp.json", NULL };

static const struct cat_path vscode_paths[] = {
	{ CAT_ALL, "{AS}/Code/User/mcp.json", 0 },
	{ CAT_ALL, "{AS}/Code/User/profiles/*/mcp.json", 0 },
	{ CAT_ALL, "{AS}/Code/User/settings.json", 0 },
	{ CAT_ALL, "~/.vscode-server/data/User/mcp.json", 0 },
	{ CAT_LINUX, "~/snap/code/current/.config/Code/User/mcp.json", 0 },
	{ CAT_LINUX, "~/.var/app/com.visualstudio.code/config/Code/User/mcp.json", 0 },
	{ CAT_ALL, "{AS}/VSCodium/User/mcp.json", 0 },
	{ CAT_ALL, "{AS}/Code - OSS/User/mcp.json", 0 },
	END
};
static const char *const vscode_proj[] = {
	".vscode/mcp.json", ".vscode/settings.json", ".devcontainer/devcontainer.json",
	".devcontainer.json", NULL
};

static const struct cat_path vscode_insiders_paths[] = {
	{ CAT_ALL, "{AS}/Code - Insiders/User/mcp.json", 0 },
	{ CAT_ALL, "{AS}/Code - Insiders/User/profiles/*/mcp.json", 0 },
	{ CAT_ALL, "{AS}/Code - Insiders/User/settings.json", 0 },
	{ CAT_ALL, "~/.vscode-server-insiders/data/User/mcp.json", 0 },
	END
};

static const struct cat_path windsurf_paths[] = {
	{ CAT_ALL, "~/.codeium/windsurf/mcp_config.json", 0 },
	{ CAT_ALL, "~/.codeium/windsurf-next/mcp_config.json", 0 },
	{ CAT_ALL, "~/.codeium/mcp_config.json", 0 },
	END
};

static const struct cat_path goose_paths[] = {
	{ CAT_POSIX, "{XDG}/goose/config.yaml", 0 },
	{ CAT_WINDOWS, "{APPDATA}/Block/goose/config/config.yaml", 0 },
	END
};

static const struct cat_path zed_paths[] = {
	{ CAT_POSIX, "{XDG}/zed/settings.json", 0 },
	{ CAT_LINUX, "~/.var/app/dev.zed.Zed/config/zed/settings.json", 0 },
	{ CAT_DARWIN, "{AS}/Zed/settings.json", 0 },
	{ CAT_WINDOWS, "{APPDATA}/Zed/settings.json", 0 },
	END
};
static const char *const zed_proj[] = { ".zed/settings.json", NULL };

static const struct cat_path opencode_paths[] = {
	{ CAT_ALL, "{XDG}/opencode/opencode.json", 0 },
	{ CAT_ALL, "{XDG}/opencode/opencode.jsonc", 0 },
	{ CAT_ALL, "{XDG}/opencode/config.json", 0 },
	{ CAT_ALL, "~/.opencode/opencode.json", 0 },
	{ CAT_ALL, "~/.opencode/opencode.jsonc", 0 },
	{ CAT_LINUX, "/etc/opencode/opencode.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_LINUX, "/etc/opencode/opencode.jsonc", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_DARWIN, "/Library/Application Support/opencode/opencode.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_DARWIN, "/Library/Application Support/opencode/opencode.jsonc", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_WINDOWS, "{PROGRAMDATA}/opencode/opencode.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_WINDOWS, "{PROGRAMDATA}/opencode/opencode.jsonc", CAT_MANAGED | CAT_SYSTEM },
	END
};
static const char *const opencode_proj[] = {
	"opencode.json", "opencode.jsonc", ".opencode/opencode.json", ".opencode/opencode.jsonc", NULL
};

static const struct cat_path codex_paths[] = {
	{ CAT_ALL, "{env:CODEX_HOME|~/.codex}/config.toml", 0 },
	{ CAT_ALL, "{env:CODEX_HOME|~/.codex}/*.config.toml", 0 },
	{ CAT_ALL, "{env:CODEX_HOME|~/.codex}/managed_config.toml", CAT_MANAGED },
	{ CAT_POSIX, "/etc/codex/config.toml", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_POSIX, "/etc/codex/managed_config.toml", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_WINDOWS, "{PROGRAMDATA}/OpenAI/Codex/config.toml", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_ALL, "{env:CODEX_HOME|~/.codex}/mcp.json", 0 },
	END
};
static const char *const codex_proj[] = { ".codex/config.toml", NULL };

static const struct cat_path cline_paths[] = {
	{ CAT_ALL, "{VSU}/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json", 0 },
	END
};

static const struct cat_path cline_cli_paths[] = {
	{ CAT_ALL, "{env:CLINE_DIR|~/.cline}/data/settings/cline_mcp_settings.json", 0 },
	END
};

static const struct cat_path gemini_paths[] = {
	{ CAT_ALL, "{env:GEMINI_CLI_HOME|~}/.gemini/settings.json", 0 },
	{ CAT_LINUX, "/etc/gemini-cli/settings.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_LINUX, "/etc/gemini-cli/system-defaults.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_DARWIN, "/Library/Application Support/GeminiCli/settings.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_DARWIN, "/Library/Application Support/GeminiCli/system-defaults.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_WINDOWS, "{PROGRAMDATA}/gemini-cli/settings.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_WINDOWS, "{PROGRAMDATA}/gemini-cli/system-defaults.json", CAT_MANAGED | CAT_SYSTEM },
	END
};
static const char *const gemini_proj[] = { ".gemini/settings.json", NULL };

static const struct cat_path antigravity_paths[] = {
	{ CAT_ALL, "~/.gemini/antigravity/mcp_config.json", 0 },
	{ CAT_ALL, "~/.gemini/config/mcp_config.json", 0 },
	{ CAT_ALL, "{AS}/Antigravity/User/mcp.json", 0 },
	END
};
static const char *const antigravity_proj[] = { ".agents/mcp_config.json", NULL };

static const struct cat_path copilot_cli_paths[] = {
	{ CAT_ALL, "{env:COPILOT_HOME|~/.copilot}/mcp-config.json", 0 },
	END
};
static const char *const copilot_cli_proj[] = { ".github/mcp.json", NULL };

static const struct cat_path hermes_paths[] = {
	{ CAT_POSIX, "{env:HERMES_HOME|~/.hermes}/config.yaml", 0 },
	{ CAT_POSIX, "{env:HERMES_HOME|~/.hermes}/profiles/*/config.yaml", 0 },
	{ CAT_WINDOWS, "{env:HERMES_HOME|{LOCALAPPDATA}/hermes}/config.yaml", 0 },
	{ CAT_WINDOWS, "{env:HERMES_HOME|{LOCALAPPDATA}/hermes}/profiles/*/config.yaml", 0 },
	{ CAT_POSIX, "/etc/hermes/config.yaml", CAT_MANAGED | CAT_SYSTEM },
	END
};

static const struct cat_path roo_paths[] = {
	{ CAT_ALL, "{VSU}/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json", 0 },
	END
};
static const char *const roo_proj[] = { ".roo/mcp.json", NULL };

static const struct cat_path continue_paths[] = {
	{ CAT_ALL, "~/.continue/config.yaml", 0 },
	{ CAT_ALL, "~/.continue/config.json", 0 },
	{ CAT_ALL, "~/.continue/mcpServers/*.yaml", 0 },
	{ CAT_ALL, "~/.continue/mcpServers/*.yml", 0 },
	{ CAT_ALL, "~/.continue/mcpServers/*.json", 0 },
	END
};

static const struct cat_path kiro_paths[] = {
	{ CAT_ALL, "~/.kiro/settings/mcp.json", 0 },
	{ CAT_ALL, "~/.kiro/agents/*.json", 0 },
	{ CAT_ALL, "~/.kiro/powers/installed/*/mcp.json", 0 },
	END
};
static const char *const kiro_proj[] = { ".kiro/settings/mcp.json", NULL };

static const struct cat_path amazon_q_paths[] = {
	{ CAT_ALL, "~/.aws/amazonq/mcp.json", 0 },
	{ CAT_ALL, "~/.aws/amazonq/cli-agents/*.json", 0 },
	{ CAT_ALL, "~/.aws/amazonq/agents/*.json", 0 },
	END
};
static const char *const amazon_q_proj[] = { ".amazonq/mcp.json", NULL };

static const struct cat_path junie_paths[] = {
	{ CAT_ALL, "~/.junie/mcp/mcp.json", 0 },
	END
};
static const char *const junie_proj[] = { ".junie/mcp/mcp.json", NULL };

static const struct cat_path lm_studio_paths[] = {
	{ CAT_ALL, "~/.lmstudio/mcp.json", 0 },
	{ CAT_DARWIN, "~/.cache/lm-studio/mcp.json", 0 },
	END
};

static const struct cat_path amp_paths[] = {
	{ CAT_POSIX, "{XDG}/amp/settings.json", 0 },
	{ CAT_WINDOWS, "{APPDATA}/amp/settings.json", 0 },
	{ CAT_WINDOWS, "~/.config/amp/settings.json", 0 },
	{ CAT_ALL, "{AS}/Code/User/settings.json", 0 },
	{ CAT_DARWIN, "/Library/Application Support/ampcode/managed-settings.json", CAT_MANAGED | CAT_SYSTEM },
	END
};
static const char *const amp_proj[] = { ".amp/settings.json", ".amp/settings.jsonc", NULL };

static const struct cat_path augment_paths[] = {
	{ CAT_ALL, "~/.augment/settings.json", 0 },
	{ CAT_ALL, "{AS}/Code/User/settings.json", 0 },
	END
};
static const char *const augment_proj[] = { ".augment/settings.json", ".augment/settings.local.json", NULL };

static const struct cat_path crush_paths[] = {
	{ CAT_POSIX, "{XDG}/crush/crush.json", 0 },
	{ CAT_WINDOWS, "{LOCALAPPDATA}/crush/crush.json", 0 },
	END
};
static const char *const crush_proj[] = { "crush.json", ".crush.json", NULL };

static const struct cat_path kilo_paths[] = {
	{ CAT_ALL, "{VSU}/globalStorage/kilocode.kilo-code/settings/mcp_settings.json", 0 },
	{ CAT_ALL, "~/.kilocode/cli/global/settings/mcp_settings.json", 0 },
	{ CAT_ALL, "{XDG}/kilo/kilo.json", 0 },
	{ CAT_ALL, "{XDG}/kilo/kilo.jsonc", 0 },
	END
};
static const char *const kilo_proj[] = { ".kilocode/mcp.json", "kilo.json", "kilo.jsonc", NULL };

static const struct cat_path qwen_paths[] = {
	{ CAT_ALL, "~/.qwen/settings.json", 0 },
	END
};
static const char *const qwen_proj[] = { ".qwen/settings.json", NULL };

static const struct cat_path trae_paths[] = {
	{ CAT_ALL, "{AS}/Trae/User/mcp.json", 0 },
	{ CAT_ALL, "{AS}/Trae CN/User/mcp.json", 0 },
	END
};
static const char *const trae_proj[] = { ".trae/mcp.json", NULL };

static const struct cat_path copilot_jb_paths[] = {
	{ CAT_POSIX, "~/.config/github-copilot/intellij/mcp.json", 0 },
	{ CAT_POSIX, "~/.config/github-copilot/xcode/mcp.json", 0 },
	{ CAT_WINDOWS, "{LOCALAPPDATA}/github-copilot/intellij/mcp.json", 0 },
	END
};

static const struct cat_path visual_studio_paths[] = {
	{ CAT_WINDOWS, "~/.mcp.json", 0 },
	END
};
static const char *const visual_studio_proj[] = { ".vs/mcp.json", NULL };

static const struct cat_path jetbrains_ai_paths[] = {
	{ CAT_ALL, "~/.ai/mcp/mcp.json", 0 },
	END
};
static const char *const jetbrains_ai_proj[] = { ".ai/mcp/mcp.json", NULL };

static const struct cat_path tabnine_paths[] = {
	{ CAT_ALL, "~/.tabnine/agent/settings.json", 0 },
	{ CAT_LINUX, "/etc/tabnine-cli/settings.json", CAT_MANAGED | CAT_SYSTEM },
	{ CAT_DARWIN, "/Library/Application Support/TabnineCli/settings.json", CAT_MANAGED | CAT_SYSTEM },
	END
};
static const char *const tabnine_proj[] = { ".tabnine/agent/settings.json", NULL };

static const struct cat_path factory_paths[] = {
	{ CAT_ALL, "~/.factory/mcp.json", 0 },
	END
};
static const char *const factory_proj[] = { ".factory/mcp.json", NULL };

static const struct cat_path kimi_paths[] = {
	{ CAT_ALL, "~/.kimi/mcp.json", 0 },
	{ CAT_ALL, "{env:KIMI_CODE_HOME|~/.kimi-code}/mcp.json", 0 },
	END
};
static const char *const kimi_proj[] = { ".kimi-code/mcp.json", NULL };

static const struct cat_path vibe_paths[] = {
	{ CAT_ALL, "~/.vibe/config.toml", 0 },
	END
};
static const char *const vibe_proj[] = { ".vibe/config.toml", NULL };

static const struct cat_path grok_paths[] = {
	{ CAT_ALL, "~/.grok/config.toml", 0 },
	END
};
static const char *const grok_proj[] = { ".grok/config.toml", NULL };

static const struct cat_path warp_paths[] = {
	{ CAT_ALL, "~/.warp/.mcp.json", 0 },
	{ CAT_ALL, "~/.warp_cli/.mcp.json", 0 },
	END
};
static const char *const warp_proj[] = { ".warp/.mcp.json", NULL };

static const struct cat_path devin_paths[] = {
	{ CAT_ALL, "~/.config/devin/mcp_config.json", 0 },
	END
};
static const char *const devin_proj[] = { ".devin/mcp_config.json", NULL };

static const struct cat_path rovo_paths[] = {
	{ CAT_ALL, "~/.rovodev/mcp.json", 0 },
	END
};
static const char *const rovo_proj[] = { ".rovodev/mcp.json", NULL };

static const struct cat_path qoder_paths[] = {
	{ CAT_ALL, "~/.qoder/mcp.json", 0 },
	END
};

static const struct cat_path muse_paths[] = {
	{ CAT_ALL, "~/.config/muse/settings.json", 0 },
	END
};

static const struct cat_path deepagents_paths[] = {
	{ CAT_ALL, "~/.deepagents/.mcp.json", 0 },
	END
};

static const struct cat_path reasonix_paths[] = {
	{ CAT_ALL, "~/.reasonix/config.toml", 0 },
	END
};

static const struct cat_path snowflake_paths[] = {
	{ CAT_ALL, "~/.snowflake/cortex/mcp.json", 0 },
	END
};

static const struct cat_path mcporter_paths[] = {
	{ CAT_ALL, "~/.mcporter/mcporter.json", 0 },
	{ CAT_ALL, "~/.mcporter/mcporter.jsonc", 0 },
	END
};

static const struct cat_path boltai_paths[] = {
	{ CAT_ALL, "~/.boltai/mcp.json", 0 },
	END
};

static const struct cat_path zencoder_paths[] = {
	{ CAT_ALL, "{AS}/Code/User/settings.json", 0 },
	END
};

static const struct cat_path none_paths[] = { END };

/* Sorted by id. */
const struct client_def catalog[] = {
	{ "amazon_q", "Amazon Q Developer", amazon_q_paths, amazon_q_proj,
	  { "mcpServers" }, 0, NULL, "superseded by Kiro CLI" },
	{ "amp", "Amp", amp_paths, amp_proj, { "amp.mcpServers" }, 0, NULL,
	  "literal \"amp.mcpServers\" key, also in VS Code settings" },
	{ "antigravity", "Google Antigravity", antigravity_paths, antigravity_proj,
	  { "mcpServers", "servers" }, 0, NULL, "remote servers use serverUrl" },
	{ "augment", "Augment Code", augment_paths, augment_proj,
	  { "augment.advanced/@mcpServers", "mcpServers" }, 0, NULL,
	  "VS Code settings hold a list; Auggie CLI a map" },
	{ "boltai", "BoltAI", boltai_paths, NOPROJ, { "mcpServers" }, 0, NULL, NULL },
	{ "claude_code", "Claude Code", claude_code_paths, claude_code_proj, { "mcpServers" },
	  DIA_CLAUDE_PROJECTS, NULL, "user, local (per project) and project .mcp.json scopes" },
	{ "claude_desktop", "Claude Desktop", claude_desktop_paths, NOPROJ, { "mcpServers" },
	  DIA_SPLIT_COMMAND | DIA_STDIO_ONLY | DIA_CLAUDE_DESKTOP_EXT, NULL, "stdio only" },
	{ "cline", "Cline", cline_paths, NOPROJ, { "mcpServers" }, 0, NULL,
	  "every VS Code fork's globalStorage" },
	{ "cline_cli", "Cline CLI", cline_cli_paths, NOPROJ, { "mcpServers" }, 0, NULL, NULL },
	{ "codex", "Codex CLI", codex_paths, codex_proj, { "mcp_servers", "mcpServers" },
	  DIA_CODEX | DIA_CODEX_PROJECTS, NULL, "TOML; project layers only when trusted" },
	{ "continue", "Continue", continue_paths, NOPROJ,
	  { "@mcpServers", "experimental/@modelContextProtocolServers", "mcpServers" }, 0, NULL,
	  "YAML list of servers with a name" },
	{ "copilot_jetbrains", "GitHub Copilot for JetBrains/Xcode", copilot_jb_paths, NOPROJ,
	  { "servers" }, 0, NULL, NULL },
	{ "crush", "Crush", crush_paths, crush_proj, { "mcp" }, 0, NULL, NULL },
	{ "cursor", "Cursor", cursor_paths, cursor_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "cursor_agent", "Cursor CLI (cursor-agent)", none_paths, NOPROJ, { NULL }, 0, "cursor",
	  "reads Cursor's mcp.json files" },
	{ "deepagents", "deepagents", deepagents_paths, NOPROJ, { "mcpServers" }, 0, NULL, NULL },
	{ "devin", "Devin CLI", devin_paths, devin_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "factory", "Factory Droid", factory_paths, factory_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "gemini_cli", "Gemini CLI", gemini_paths, gemini_proj, { "mcpServers" },
	  DIA_GEMINI_TRUST, NULL, "workspace settings only in trusted folders" },
	{ "github_copilot_cli", "GitHub Copilot CLI", copilot_cli_paths, copilot_cli_proj,
	  { "mcpServers", "servers" }, 0, NULL, "also reads a project .mcp.json" },
	{ "goose", "Goose", goose_paths, NOPROJ, { "extensions" }, DIA_GOOSE, NULL,
	  "YAML extensions map" },
	{ "grok", "Grok CLI", grok_paths, grok_proj, { "mcp_servers" }, 0, NULL, NULL },
	{ "hermes", "Hermes Agent", hermes_paths, NOPROJ, { "mcp_servers" }, 0, NULL,
	  "YAML; profiles each have their own file" },
	{ "jetbrains_ai", "JetBrains AI Assistant", jetbrains_ai_paths, jetbrains_ai_proj,
	  { "mcpServers" }, 0, NULL, "the XML settings store is not read" },
	{ "junie", "JetBrains Junie", junie_paths, junie_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "kilo", "Kilo Code", kilo_paths, kilo_proj, { "mcpServers", "mcp" }, DIA_OPENCODE, NULL,
	  "legacy extension map or v7 opencode shape" },
	{ "kimi", "Kimi CLI", kimi_paths, kimi_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "kiro", "Kiro", kiro_paths, kiro_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "lm_studio", "LM Studio", lm_studio_paths, NOPROJ, { "mcpServers" }, 0, NULL, NULL },
	{ "mcporter", "MCPorter", mcporter_paths, NOPROJ, { "mcpServers" }, 0, NULL, NULL },
	{ "muse", "Muse", muse_paths, NOPROJ, { "mcp_servers" }, 0, NULL, NULL },
	{ "opencode", "opencode", opencode_paths, opencode_proj, { "mcp" }, DIA_OPENCODE, NULL,
	  "command is an array; local/remote types" },
	{ "qoder", "Qoder", qoder_paths, NOPROJ, { "mcpServers" }, 0, NULL, NULL },
	{ "qwen_code", "Qwen Code", qwen_paths, qwen_proj, { "mcpServers" }, 0, NULL,
	  "Gemini CLI schema" },
	{ "reasonix", "Reasonix", reasonix_paths, NOPROJ, { "mcp_servers", "mcpServers" }, 0, NULL, NULL },
	{ "roo_code", "Roo Code", roo_paths, roo_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "rovo_dev", "Rovo Dev CLI", rovo_paths, rovo_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "snowflake_cortex", "Snowflake Cortex", snowflake_paths, NOPROJ, { "mcpServers" }, 0, NULL, NULL },
	{ "tabnine", "Tabnine", tabnine_paths, tabnine_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "trae", "Trae", trae_paths, trae_proj, { "mcpServers", "servers" }, 0, NULL, NULL },
	{ "vibe", "Mistral Vibe", vibe_paths, vibe_proj, { "@mcp_servers" }, 0, NULL,
	  "TOML array of tables with a name" },
	{ "visual_studio", "Visual Studio", visual_studio_paths, visual_studio_proj,
	  { "servers", "mcpServers" }, 0, NULL, NULL },
	{ "vscode", "VS Code", vscode_paths, vscode_proj,
	  { "servers", "mcp/servers", "mcp.servers", "customizations/vscode/mcp/servers" },
	  DIA_VSCODE_WORKSPACES, NULL, "also VSCodium, Code - OSS, remote and portable dirs" },
	{ "vscode_insiders", "VS Code Insiders", vscode_insiders_paths, NOPROJ,
	  { "servers", "mcp/servers", "mcp.servers" }, 0, NULL, NULL },
	{ "warp", "Warp", warp_paths, warp_proj, { "mcpServers" }, 0, NULL, NULL },
	{ "windsurf", "Windsurf", windsurf_paths, NOPROJ, { "mcpServers" }, 0, NULL,
	  "remote servers use serverUrl" },
	{ "zed", "Zed", zed_paths, zed_proj, { "context_servers" }, DIA_ZED, NULL,
	  "context_servers; extension-provided servers too" },
	{ "zencoder", "Zencoder", zencoder_paths, NOPROJ, { "zencoder.mcpServers" }, 0, NULL,
	  "VS Code settings key" },
};
const size_t catalog_len = sizeof(catalog) / sizeof(catalog[0]);

const struct client_def *
catalog_find(const char *id)
{
	size_t i;

	for (i = 0; i < catalog_len; i++)
		if (strcmp(catalog[i].id, id) == 0)
			return &catalog[i];
	return NULL;
}
