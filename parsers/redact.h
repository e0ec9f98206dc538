/* Secret redaction for what leaves the machine: env and header values
 * (contract §3.6), URLs (userinfo, query, fragment) and command args. */
#ifndef PARSERS_REDACT_H
#define PARSERS_REDACT_H

#include <cjson/cJSON.h>

/*
 * Forms of the output (stable; the backend and tests rely on them):
 *   <redacted:len=N>   a secret of N Unicode code points (env/header values,
 *                      args, tokens found anywhere in an arg)
 *   <redacted>         a URL query value or fragment (no length: URLs are
 *                      long-lived identifiers and the length adds nothing)
 * URL userinfo ("user:pass@") is removed entirely, never replaced, in URLs
 * and in URLs/DSNs inside args alike. All functions return new strings the
 * caller frees; an input without secrets comes back byte-for-byte.
 */

/*
 * Contract §3.6 for one env (is_env != 0) or header value. The value is
 * kept when (a) is_env and key is, ASCII case-insensitively, DEBUG, HOST,
 * LOG_LEVEL, NODE_ENV, PORT or TZ; or (b) it contains at least one token
 * ${NAME}, ${env:NAME} or {env:NAME} (NAME = [A-Za-z_][A-Za-z0-9_.-]*,
 * "env:" in any case) and, with the tokens removed, the rest is only the
 * words bearer/basic/token (any case) and space, tab, ':', '=', '_', '-'.
 * Otherwise it becomes <redacted:len=N>, N = code points (invalid UTF-8
 * counted as Python's "replace" decoding would). key may be NULL. Returns
 * NULL only when value is NULL.
 */
char *redact_value(const char *key, const char *value, int is_env);

/* Rule (b) above alone: 1 when value is a reference, not a secret. */
int redact_is_reference(const char *value);

/*
 * Python str() of a JSON value, applied before redacting non-string env
 * and header values: strings as they are, true/false as "True"/"False",
 * integers as Python ints, floats as Python repr() ("1.0", "1e+16", "inf").
 * Arrays and objects print as pyjson_dumps() JSON text, which differs from
 * Python's str(list) in quoting; only the length of such a value ever
 * leaves the machine. Returns NULL for null (callers drop the entry) and
 * for NULL.
 */
char *redact_stringify(const cJSON *value);

/* redact_stringify() then redact_value(): the env/header value to send, or
 * NULL when value is null. */
char *redact_json_value(const char *key, const cJSON *value, int is_env);

/*
 * Redact every member of an env (is_env) or headers object in place: each
 * value becomes a string from redact_json_value(); null members are
 * removed. Anything but an object is left alone.
 */
void redact_map(cJSON *obj, int is_env);

/*
 * Redact a URL: remove userinfo ("scheme://user:pass@host" →
 * "scheme://host"), replace the value of every query parameter with
 * <redacted> keeping its name ("?a=1&b" → "?a=<redacted>&b=<redacted>"...
 * a parameter without '=' is itself a value: "?b" → "?<redacted>"), replace
 * a non-empty fragment with <redacted>, and redact known token shapes in
 * the path (see redact_arg). Empty values and values that are only
 * references (${VAR} etc.) stay. Unencoded '/', '?' or '#' in a password
 * are recognised when the apparent port is not numeric
 * ("redis://:p/w@h" → "redis://h"). Text that is not a URL passes through
 * the same steps harmlessly. Returns NULL only for NULL.
 */
char *redact_url(const char *url);

/*
 * Redact secrets inside one command-line argument; prev is the argument
 * before it (NULL for the first), since a flag's value is often the next
 * argument. Only the secret part is replaced, so the argument stays
 * readable. Recognised, in order:
 *  - the value after a secret flag: prev is --password, --token, --api-key…
 *    (see below) and arg does not start with "--": the whole arg;
 *  - --name=VALUE / -name=VALUE with a secret name: VALUE;
 *  - NAME=VALUE (docker -e, env-style) with a secret NAME: VALUE;
 *  - "Name: value" header strings with a secret name (Authorization,
 *    X-API-Key, Cookie…): the value, keeping a leading scheme word
 *    (Bearer, Basic, Token, Digest, Bot);
 *  - quoted pairs anywhere, as in JSON or Python literals on a command
 *    line ({"apiKey": "…"}, {'token': …}): the value of a secret key;
 *  - in any other text, word by word (whitespace-separated, quotes kept):
 *    the rules above between words, "Bearer xyz"/"Basic xyz", URLs and DSNs
 *    (as redact_url), and known token shapes anywhere: GitHub ghp_ gho_
 *    ghu_ ghs_ ghr_ github_pat_, OpenAI/Anthropic sk-… sk-proj-… sk-ant-…,
 *    Slack xox[abposr]- xapp-, AWS AKIA/ASIA + 16, Google AIza…, Stripe
 *    sk_live_ rk_live_ sk_test_ rk_test_ whsec_, JWTs eyJ….eyJ….…, npm_,
 *    GitLab glpat-, Hugging Face hf_, PyPI pypi-, DigitalOcean dop_v1_,
 *    xAI xai-, Groq gsk_, Runlayer rl_org_.
 * Secret names: the last word of the name (split at - _ . and camelCase)
 * is token/secret/password/passwd/passphrase/pwd/pass/pat/auth/bearer/
 * authorization/credential(s)/cookie or ends in token, secret, password or
 * apikey, or is key/keys after api/access/secret/private/auth/client/…;
 * other *key names (--key, --ssh-key) count only when the value looks like
 * a credential (16+ characters, letters and digits, no spaces, no '.',
 * not starting with / ~ .). Names starting with "no-" never count; short
 * flags (-p, -k) never count. A value that is only references (${VAR},
 * ${input:x}, {env:X}, $UPPER_CASE, %UPPER_CASE%, with the words and
 * punctuation rule (b) of redact_value allows) is kept, and so is text
 * that already is a marker. Returns NULL only when arg is NULL.
 */
char *redact_arg(const char *prev, const char *arg);

/*
 * redact_arg() over every string of an args array in place, each with the
 * original (unredacted) previous string as prev. Non-string elements are
 * left alone and reset prev. Anything but an array is left alone.
 */
void redact_args(cJSON *args);

#endif
